require "fileinto";
# RFC 5228 5.1: the address test is restricted to address headers.
if address :contains "Subject" "Lunch" { fileinto "SubjectAsAddress"; }
