require "fileinto";
if header :contains "Subject" "second" { keep; stop; }
fileinto "Unreached";
