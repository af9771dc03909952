require "fileinto";
if address :localpart :comparator "i;octet" :is "From" "john.doe" { discard; }
elsif address :localpart :comparator "i;octet" :is "From" "John.Doe" { fileinto "OctetLocal"; }
