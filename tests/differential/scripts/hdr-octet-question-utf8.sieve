require "fileinto";
# Same with i;octet: "ü" is two octets, so "?" alone does not cover it.
if header :comparator "i;octet" :matches "Subject" "*r??ße*" { fileinto "OctetQ2"; }
elsif header :comparator "i;octet" :matches "Subject" "*r?ße*" { fileinto "OctetQ1"; }
