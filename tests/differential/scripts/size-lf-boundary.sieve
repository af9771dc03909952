require "fileinto";
# plain.eml is 224 octets on disk with LF line ends (233 with CRLF).
if size :over 232 { fileinto "CountsCRLF"; }
elsif size :over 223 { fileinto "CountsFile"; }
else { fileinto "Smaller"; }
