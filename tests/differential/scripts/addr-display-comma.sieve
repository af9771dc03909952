require "fileinto";
# "Doe, Jane" is one display name, not two addresses.
if address :localpart :is "To" "Doe" { discard; }
elsif address :all :is "To" "carol@example.com" { fileinto "Carol"; }
