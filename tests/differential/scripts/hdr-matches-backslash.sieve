require "fileinto";
# X-Star ends in "yes\no": a literal backslash needs "\\\\" in the script.
if header :matches "X-Star" "*yes\\\\no" { fileinto "Backslash"; }
