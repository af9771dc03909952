require "fileinto";
# X-Empty has an empty value but the field exists.
if exists "x-empty" { fileinto "EmptyExists"; }
