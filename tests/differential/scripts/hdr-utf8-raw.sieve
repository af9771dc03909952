require "fileinto";
if header :contains "Subject" "Köln – ÄÖÜ" { fileinto "RawUtf8"; }
