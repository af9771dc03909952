require "include";
include :personal "incl-fileinto";
