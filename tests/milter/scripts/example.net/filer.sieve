require "fileinto";
fileinto "Work Stuff";
