require "fileinto";
if header :contains "X-Does-Not-Exist" "x" { discard; }
if not header :matches "X-Does-Not-Exist" "*" { fileinto "Missing"; }
