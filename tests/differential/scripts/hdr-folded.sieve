require "fileinto";
# Unfolding removes the CRLFs but keeps the whitespace that follows them.
if header :is "Subject" "this subject is folded over\tthree lines" { fileinto "Unfolded"; }
