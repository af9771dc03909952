require "reject";
reject "spam";
discard;
