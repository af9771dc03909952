require "replace";
replace :subject "café" "The message was replaced.";
