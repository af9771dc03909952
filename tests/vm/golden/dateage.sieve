# Golden image: vnd.sift.dateage (test_dateage), run with the frozen clock
# of tests/vm/golden_host.cpp, 2026-11-23T09:30:00Z: message.eml's Date,
# 07:00:00Z, is 150 minutes, 2 hours and 0 days old, and not ahead.
require ["vnd.sift.dateage", "relational", "comparator-i;ascii-numeric", "fileinto"];
if allof (dateage :value "eq" :comparator "i;ascii-numeric" "date" "minutes" "150",
          dateage "date" "hours" "2",
          dateage "date" "days" "0",
          not dateage :future "date" "days" "0") {
  fileinto "Aged";
}
