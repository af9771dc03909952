require "fileinto";
# A fold made of CRLF SP unfolds to a single space.
if header :contains "Subject" "this subject is folded over" { fileinto "Unfolded"; }
