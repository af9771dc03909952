require "fileinto";
if address :matches "Cc" "*" { discard; }
elsif not address :localpart :contains "From" "" { discard; }
else { fileinto "NoCc"; }
