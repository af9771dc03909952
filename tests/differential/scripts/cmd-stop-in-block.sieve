require "fileinto";
if exists "Subject" { redirect "first@example.org"; stop; }
fileinto "Never";
