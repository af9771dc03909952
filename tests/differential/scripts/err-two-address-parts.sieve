if address :localpart :domain "From" "x" { discard; }
