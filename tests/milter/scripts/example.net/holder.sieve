# Files everything into the folder sift-milter is told is the hold queue
# (--quarantine-folder Quarantine in the end-to-end test).
require "fileinto";
fileinto "Quarantine";
