require "fileinto";
# Comment markers inside strings are plain text.
fileinto "Folder#1/*not a comment*/";
