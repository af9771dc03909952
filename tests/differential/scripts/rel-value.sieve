require ["relational", "comparator-i;ascii-numeric", "fileinto"];
# RFC 5231 4.1, with each comparator's ordering.
if header :value "gt" :comparator "i;ascii-numeric" "X-Priority" "2" { fileinto "num-gt"; }
if header :value "gt" :comparator "i;octet" "X-Priority" "2" { fileinto "octet-gt-wrong"; }
if header :value "lt" "X-Name" "CAROL" { fileinto "casemap-lt"; }
if header :value "lt" :comparator "i;octet" "X-Name" "CAROL" { fileinto "octet-lt"; }
if header :value "ge" "X-Name" "bob_smith" { fileinto "casemap-ge"; }
if header :value "le" "X-Name" "BOB_SMITH" { fileinto "casemap-le"; }
if header :value "ne" "X-Name" "bob_smith" { fileinto "casemap-ne-wrong"; }
if header :value "ne" "X-Missing" "x" { fileinto "missing-ne-wrong"; }
if address :value "lt" :domain "to" "example.o" { fileinto "addr-domain-lt"; }
if header :value "eq" :comparator "i;ascii-numeric" "X-Priority" ["1", "2", "3"] { fileinto "any-key"; }
