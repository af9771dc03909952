require "fileinto";
fileinto text:
never terminated
