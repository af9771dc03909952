require "fileinto";
# Sender: (the list robot) list-bounces@lists.example.org (bounces)
if address :all :is "Sender" "list-bounces@lists.example.org" { fileinto "Comments"; }
