require "include";
include :global "incl-spam";
keep;
