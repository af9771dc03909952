# A policy that reads the header only (tests/milter/negotiate.py): the
# milter needs no body for it. A refusal, one whose reason needs several
# reply lines, and a folder sift-milter is told is the hold queue.
require ["reject", "fileinto"];
if header :contains "subject" "refuse me" {
  reject "The header-only policy refuses this subject";
} elsif header :contains "subject" "long refusal" {
  reject "This message is refused because the header-only policy says so, once again, the header-only policy says so, once again, the header-only policy says so, once again, the header-only policy says so, once again, the header-only policy says so, once again, the header-only policy says so, once again, the header-only policy says so, once again, the header-only policy says so, once again, the header-only policy says so, once again, the header-only policy says so, once again, the header-only policy says so, once again, the header-only policy says so, once again, the header-only policy says so, once again, the header-only policy says so, once again, the header-only policy says so, once again, the header-only policy says so, once again, the header-only policy says so, once again, the header-only policy says so, once again, the header-only policy says so, once again, the header-only policy says so, once again, the header-only policy says so, once again, the header-only policy says so, once again, the header-only policy says so, once again, the header-only policy says so, once again, the header-only policy says so, once again, the header-only policy says so, once again, the header-only policy says so, once again, the header-only policy says so, once again, the header-only policy says so, once again, the header-only policy says so, once again, and that is all.";
} elsif header :contains "subject" "hold me" {
  fileinto "Quarantine";
}
