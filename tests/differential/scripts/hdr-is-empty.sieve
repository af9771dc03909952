require "fileinto";
if header :is "X-Empty" "" { fileinto "EmptyIs"; }
