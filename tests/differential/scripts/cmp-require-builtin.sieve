require ["comparator-i;octet", "comparator-i;ascii-casemap", "fileinto"];
if header :comparator "i;octet" :contains "To" "Team" { fileinto "Builtin"; }
