require "fileinto";
if address :domain :is "To" "example.org" { fileinto "SecondAddress"; }
