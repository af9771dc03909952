require "fileinto";
fileinto "INBOX;
keep;
