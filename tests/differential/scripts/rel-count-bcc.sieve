require ["relational", "comparator-i;ascii-numeric", "fileinto"];
# RFC 5231 4.2: an empty header holds the empty address (1); an empty group holds none (0).
if address :count "eq" :comparator "i;ascii-numeric" "bcc" "0" { fileinto "bcc-0"; }
if address :count "eq" :comparator "i;ascii-numeric" "bcc" "1" { fileinto "bcc-1"; }
