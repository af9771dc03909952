# A policy that reads the header only (tests/milter/negotiate.py): the
# milter needs no body for it.
require "reject";
if header :contains "subject" "refuse me" {
  reject "The header-only policy refuses this subject";
}
