require "fileinto";
if header :matches "Subject" "L?nch *" { fileinto "Glob"; }
