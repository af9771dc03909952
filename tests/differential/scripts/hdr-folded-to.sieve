require "fileinto";
if header :contains "To" "two@example.com,  three" { fileinto "FoldedTo"; }
