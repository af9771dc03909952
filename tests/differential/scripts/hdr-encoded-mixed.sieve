require "fileinto";
if header :is "X-Mixed" "plain €100 text" { fileinto "Mixed"; }
