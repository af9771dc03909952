require "fileinto";
if anyof (false, not exists "From") { discard; }
if anyof (false, header :is "Subject" "Lunch tomorrow?") { fileinto "Any"; }
