require "fileinto";
# U+1F600 is four octets in UTF-8; "?" matches one octet (RFC 5228 2.7.1).
if header :matches "X-Emoji" "ok ???? done" { fileinto "FourOctets"; }
elsif header :matches "X-Emoji" "ok ? done" { fileinto "OneCharacter"; }
