require "fileinto";
# Unfolding removes the CRLF only (RFC 5322 2.2.3): the TAB that starts the
# third line stays. The key below contains a literal TAB before "three".
if header :is "Subject" "this subject is folded over	three lines" { fileinto "TabKept"; }
elsif header :is "Subject" "this subject is folded over three lines" { fileinto "TabToSpace"; }
