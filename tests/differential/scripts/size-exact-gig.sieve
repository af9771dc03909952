require "fileinto";
if allof (size :under 1073741824, size :under 1G, not size :over 1G) { fileinto "Gig"; }
