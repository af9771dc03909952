if header :count "eq" "received" "3" { discard; }
