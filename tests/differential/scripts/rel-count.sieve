require ["relational", "comparator-i;ascii-numeric", "envelope", "variables", "fileinto"];
# RFC 5231 4.2 / RFC 5229 5
if header :count "eq" :comparator "i;ascii-numeric" "received" "3" { fileinto "received-3"; }
if header :count "ge" :comparator "i;ascii-numeric" ["received", "subject"] "4" { fileinto "fields-4"; }
if header :count "eq" :comparator "i;ascii-numeric" ["to", "cc"] "2" { fileinto "to-cc-fields-2"; }
if address :count "eq" :comparator "i;ascii-numeric" ["to", "cc"] "4" { fileinto "addresses-4"; }
if address :count "lt" :comparator "i;ascii-numeric" "to" ["1", "2", "3"] { fileinto "to-lt"; }
if header :count "eq" :comparator "i;ascii-numeric" "x-missing" "0" { fileinto "missing-0"; }
if header :count "ne" :comparator "i;ascii-numeric" "x-missing" "0" { fileinto "missing-ne-wrong"; }
if header :count "gt" "received" "10" { fileinto "casemap-string-order"; }
if string :count "eq" :comparator "i;ascii-numeric" ["a", "", "b"] "2" { fileinto "string-nonempty-2"; }
if string :count "eq" :comparator "i;ascii-numeric" [""] "0" { fileinto "string-empty-0"; }
if string :count "eq" :comparator "i;ascii-numeric" ["${unset}", "x"] "1" { fileinto "string-var-1"; }
if envelope :count "eq" :comparator "i;ascii-numeric" "to" "1" { fileinto "envelope-1"; }
if header :count "le" :comparator "i;ascii-numeric" "x-empty" "1" { fileinto "empty-field-1"; }
