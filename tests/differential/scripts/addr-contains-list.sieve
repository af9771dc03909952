require "fileinto";
if address :contains ["To", "Cc"] ["smith", "nobody"] { fileinto "Contains"; }
