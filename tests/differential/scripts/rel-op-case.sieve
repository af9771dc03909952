require ["relational", "comparator-i;ascii-numeric", "fileinto"];
if header :count "GE" :comparator "i;ascii-numeric" "received" "3" { fileinto "upper-op"; }
