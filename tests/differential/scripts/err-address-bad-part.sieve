if address :user "From" "x" { discard; }
