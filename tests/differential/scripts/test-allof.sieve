require "fileinto";
if allof (true, exists "Subject", header :contains "To" "bob") { fileinto "All"; }
if allof (true, false) { discard; }
