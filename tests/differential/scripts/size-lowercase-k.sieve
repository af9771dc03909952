require "fileinto";
# Quantifiers are case-insensitive: 1k = 1024.
if size :under 1k { fileinto "LowerK"; }
