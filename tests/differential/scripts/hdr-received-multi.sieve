require "fileinto";
if header :contains "Received" "from c.example" { fileinto "Trace"; }
