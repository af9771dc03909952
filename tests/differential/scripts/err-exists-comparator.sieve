if exists :comparator "i;octet" "Subject" { discard; }
