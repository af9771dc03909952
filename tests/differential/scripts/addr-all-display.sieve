require "fileinto";
# The display name and angle brackets are not part of the address.
if address :is "From" "anna@example.com" { fileinto "AddrAll"; }
