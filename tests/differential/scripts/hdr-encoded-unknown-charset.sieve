require "fileinto";
if header :contains "X-Unknown-Charset" "abc" { fileinto "UnknownCharsetHasAbc"; }
