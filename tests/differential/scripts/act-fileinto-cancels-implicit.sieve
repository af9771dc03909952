require "fileinto";
if header :contains "From" "anna" { fileinto "Friends"; }
