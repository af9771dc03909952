require "fileinto";
# i;ascii-casemap folds ASCII letters only: "É" and "é" differ.
if header :is "X-Raw" "café crème" { discard; }
elsif header :is "X-Raw" "cafÉ CRème" { fileinto "AsciiOnlyFold"; }
