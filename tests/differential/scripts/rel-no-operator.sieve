require "relational";
if header :count "received" { discard; }
