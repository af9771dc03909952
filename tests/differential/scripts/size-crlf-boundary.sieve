require "fileinto";
# plain-crlf.eml is exactly 233 octets.
if size :over 233 { fileinto "Over233"; }
elsif size :under 233 { fileinto "Under233"; }
elsif allof (size :over 232, size :under 234) { fileinto "Exactly233"; }
