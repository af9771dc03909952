require "fileinto";
# "?" matches one character; "ü" is one character (two octets).
if header :matches "Subject" "Gr?ße aus K?ln *" { fileinto "OneChar"; }
