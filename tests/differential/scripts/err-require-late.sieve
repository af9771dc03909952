# require must precede all other commands (RFC 5228 3.2).
keep;
require "fileinto";
