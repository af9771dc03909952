require "fileinto";
# :matches is anchored at both ends.
if header :matches "Subject" "Lunch" { discard; }
elsif header :matches "Subject" "*tomorrow" { discard; }
elsif header :matches "Subject" "*tomorrow?" { fileinto "Anchored"; }
