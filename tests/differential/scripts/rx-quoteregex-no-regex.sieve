require "variables";
set :quoteregex "a" "b";
