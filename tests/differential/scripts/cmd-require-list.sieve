require ["fileinto", "envelope"];
require "fileinto";
if envelope :is "to" "recipient@example.com" { fileinto "Env"; }
