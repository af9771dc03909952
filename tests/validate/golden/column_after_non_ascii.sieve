require "fileinto";
fileinto "Grüße" "Spam";
