require ["relational", "fileinto"];
# RFC 4790 9.2.1: i;ascii-casemap orders as i;octet after mapping a-z to A-Z, so "_" (0x5F) > "A" (0x41).
if header :value "gt" "X-Name" "BOBA" { fileinto "underscore-after-letters"; }
