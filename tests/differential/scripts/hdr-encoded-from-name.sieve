require "fileinto";
if header :contains "From" "Jörg Müller" { fileinto "DecodedName"; }
