require "fileinto";
if header :contains ["X-None", "sUbJeCt", "From"] ["zzz", "Example"] { fileinto "Multi"; }
