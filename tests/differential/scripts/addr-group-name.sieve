require "fileinto";
# A group name is not an address.
if address :localpart :is "Cc" "friends" { discard; }
else { fileinto "NotGroupName"; }
