require "fileinto";
# Resent-From: postmaster  -- a local part without a domain.
if address :domain :matches "Resent-From" "*" { fileinto "HasDomain"; }
elsif address :all :is "Resent-From" "postmaster" { fileinto "AllNoDomain"; }
else { fileinto "Unparsed"; }
