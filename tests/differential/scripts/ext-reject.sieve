require "reject";
reject "Go away, I am on holiday.";
