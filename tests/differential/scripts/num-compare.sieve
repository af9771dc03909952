require ["comparator-i;ascii-numeric", "relational", "fileinto"];
# RFC 4790 9.1: leading zeros, numbers beyond 64 bits, non-digits as infinity.
if header :is :comparator "i;ascii-numeric" "X-Priority" "3" { fileinto "zeros"; }
if header :is :comparator "i;ascii-numeric" "X-Priority" "03x" { fileinto "trailing"; }
if header :value "gt" :comparator "i;ascii-numeric" "X-Score" "18446744073709551616" { fileinto "huge-gt"; }
if header :value "lt" :comparator "i;ascii-numeric" "X-Small" "18446744073709551617" { fileinto "huge-lt"; }
if header :value "eq" :comparator "i;ascii-numeric" "X-Score" "18446744073709551616" { fileinto "huge-eq-wrong"; }
if header :is :comparator "i;ascii-numeric" "X-Word" "other" { fileinto "inf-eq"; }
if header :value "gt" :comparator "i;ascii-numeric" "X-Word" "999999999999999999999999" { fileinto "inf-gt"; }
if header :value "lt" :comparator "i;ascii-numeric" "X-Priority" "abc" { fileinto "num-lt-inf"; }
