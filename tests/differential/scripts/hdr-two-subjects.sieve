require "fileinto";
# Both Subject fields are tested, whatever the field-name case.
if allof (header :contains "subject" "second", header :contains "Subject" "spaced") { fileinto "BothSubjects"; }
