require "x-no-such-extension";
keep;
