require "fileinto";
if header :comparator "i;octet" :is "Subject" "LUNCH TOMORROW?" { fileinto "Wrong"; }
elsif header :comparator "i;octet" :is "Subject" "Lunch tomorrow?" { fileinto "Octet"; }
