require "fileinto";
# RFC 5228 2.7.1: with i;ascii-casemap a "character" is one octet, so "?"
# matches one octet and the two-octet "ö" needs "??".
if header :matches "Subject" "*K??ln*" { fileinto "TwoOctets"; }
elsif header :matches "Subject" "*K?ln*" { fileinto "OneCharacter"; }
