require "fileinto";
# Resent-To: <>  is not a valid header address.
if address :all :matches "Resent-To" "?*" { fileinto "Something"; }
elsif address :all :is "Resent-To" "" { fileinto "EmptyAddr"; }
else { fileinto "NoAddr"; }
