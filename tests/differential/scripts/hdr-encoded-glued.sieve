require "fileinto";
# RFC 2047 5: an encoded-word must be separated from adjacent text by
# whitespace, so "foo=?UTF-8?Q?bar?=" is not decoded.
if header :is "X-Glued" "foobar baz" { fileinto "Decoded"; }
elsif header :is "X-Glued" "foo=?UTF-8?Q?bar?= baz" { fileinto "Literal"; }
