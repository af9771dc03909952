if header :comparator "i;no-such" :is "Subject" "x" { discard; }
