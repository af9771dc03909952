require "fileinto";
# "\\*" and "\\?" in a Sieve string are the match-literal \* and \?.
if header :matches "X-Star" "50% off \\* today\\? *" { fileinto "Escaped"; }
