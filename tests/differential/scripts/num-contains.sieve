require "comparator-i;ascii-numeric";
# RFC 4790 9.1: no substring operation.
if header :contains :comparator "i;ascii-numeric" "X-Priority" "3" { discard; }
