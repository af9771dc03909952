require "fileinto";
# Bcc: undisclosed-recipients:; contains no address at all.
if address :matches "Bcc" "*" { fileinto "EmptyGroupMatched"; }
else { fileinto "EmptyGroupNoMatch"; }
