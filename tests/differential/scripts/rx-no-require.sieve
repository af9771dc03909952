if header :regex "from" "stephan" { discard; }
