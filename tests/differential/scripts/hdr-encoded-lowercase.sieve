require "fileinto";
if header :contains "X-Lower" "naïve" { fileinto "LowerCharset"; }
