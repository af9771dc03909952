require "fileinto";
fileinto "inbox";
