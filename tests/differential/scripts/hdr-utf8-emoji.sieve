require "fileinto";
if header :matches "X-Emoji" "ok ? done" { fileinto "Emoji"; }
