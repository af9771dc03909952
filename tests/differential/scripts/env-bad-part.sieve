require "envelope";
# Only "from" and "to" are defined by RFC 5228 5.4.
if envelope :is "subject" "x" { discard; }
