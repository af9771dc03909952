require "fileinto";
# Whitespace between adjacent encoded words is not displayed (RFC 2047 6.2).
if header :is "X-Adjacent" "foobar" { fileinto "Adjacent"; }
