require "fileinto";
# Default comparator is i;ascii-casemap.
if header :is "subject" "LUNCH TOMORROW?" { fileinto "Casemap"; }
