require "regex";
if address :regex "from" "sirius(+\\+.*)?@friep\\.example\\.com" { discard; }
