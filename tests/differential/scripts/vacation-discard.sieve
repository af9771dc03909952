require "vacation";
vacation :days 1 :handle "h" "Away.";
discard;
