if address :detail "to" "x" { discard; }
