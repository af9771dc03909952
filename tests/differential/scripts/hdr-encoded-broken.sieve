require "fileinto";
if header :is "X-Broken" "=?UTF-8?Q?unterminated" { fileinto "BrokenLiteral"; }
