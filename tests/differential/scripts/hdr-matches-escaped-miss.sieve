require "fileinto";
# \* must match a literal star only, not any text.
if header :matches "X-Star" "50\\*" { discard; }
elsif header :matches "X-Star" "*\\?*" { fileinto "LiteralQ"; }
