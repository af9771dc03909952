require "fileinto";
if header :matches "Subject" "*s*e*t*s*d*" { fileinto "Backtrack"; }
