require "replace";
replace :subject "Replaced" "The original message was replaced.";
