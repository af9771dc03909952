require "comparator-i;ascii-numeric";
if header :matches :comparator "i;ascii-numeric" "X-Priority" "*" { discard; }
