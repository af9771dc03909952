require "fileinto";
# "\a" is "a", "\\" is a backslash, "\"" a double quote (RFC 5228 2.4.2).
if header :is "Subject" "\L\unch tomorrow?" { fileinto "Esc\"aped\\Box"; }
