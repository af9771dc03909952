require "fileinto";
# "_" is a space inside Q words; the space between the two words is dropped.
if header :is "X-Encoded-Spaces" "a b c" { fileinto "QSpaces"; }
elsif header :is "X-Encoded-Spaces" "a b  c" { fileinto "KeptGap"; }
