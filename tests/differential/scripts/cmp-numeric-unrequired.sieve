if header :comparator "i;ascii-numeric" :is "X-Priority" "3" { discard; }
