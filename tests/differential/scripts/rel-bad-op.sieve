require "relational";
if header :value "gr" "from" "ah" { keep; }
