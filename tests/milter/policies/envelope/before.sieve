# A policy that reads the envelope only (tests/milter/negotiate.py): it
# decides at RCPT, for that recipient alone.
require ["envelope", "reject"];
if envelope :is "to" "nobody@example.net" {
  reject "No such user here";
}
