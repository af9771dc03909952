require "fileinto";
if allof (size :under 1K, size :under 1M, size :under 1G, size :over 0) { fileinto "Suffix"; }
