require "include";
include "incl-missing";
