require "regex";
if header :regex "from" "sirius(\\+.*)?@friep\\.ex[]ample.com" { discard; }
