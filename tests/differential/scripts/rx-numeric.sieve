require ["regex", "comparator-i;ascii-numeric"];
if address :regex :comparator "i;ascii-numeric" "from" "sirius" { discard; }
