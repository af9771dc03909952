require "fileinto";
if header :contains "Subject" "Lunch" { fileinto "from-global"; }
