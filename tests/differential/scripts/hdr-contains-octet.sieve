require "fileinto";
if header :contains :comparator "i;octet" "From" "EXAMPLE" { discard; }
elsif header :comparator "i;ascii-casemap" :contains "From" "EXAMPLE" { fileinto "CasemapContains"; }
