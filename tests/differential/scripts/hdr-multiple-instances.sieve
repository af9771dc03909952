require "fileinto";
# Every X-Tag field is tested; the second one matches.
if header :is "X-Tag" "beta" { fileinto "Beta"; }
