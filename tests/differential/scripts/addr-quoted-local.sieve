require "fileinto";
if address :localpart :is "Reply-To" "john doe" { fileinto "QuotedLocal"; }
