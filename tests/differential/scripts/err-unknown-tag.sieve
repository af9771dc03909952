if header :regex "Subject" "x" { discard; }
