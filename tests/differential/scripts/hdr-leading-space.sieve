require "fileinto";
# Leading whitespace after the colon is not part of the value; what about
# the trailing blanks?
if header :is "Subject" "spaced out subject" { fileinto "Trimmed"; }
elsif header :is "Subject" "spaced out subject   " { fileinto "TrailingKept"; }
