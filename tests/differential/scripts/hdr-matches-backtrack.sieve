require "fileinto";
# "address torture": needs backtracking over several candidate positions.
if header :matches "Subject" "*s*e*t*s*d*" { discard; }
elsif header :matches "Subject" "*r*r*r*e" { fileinto "Backtrack"; }
