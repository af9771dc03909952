require "fileinto";
# With i;octet, is "?" one octet or one character? Pigeonhole: character.
if header :comparator "i;octet" :matches "Subject" "Gr?ße*" { fileinto "OctetQ1"; }
elsif header :comparator "i;octet" :matches "Subject" "Gr??ße*" { fileinto "OctetQ2"; }
