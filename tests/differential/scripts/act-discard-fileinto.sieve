require "fileinto";
discard;
fileinto "Archive";
