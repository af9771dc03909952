require "vacation";
vaccation "I am away.";
