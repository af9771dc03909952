require "vacation";
vacation :subject "café" "I am away.";
