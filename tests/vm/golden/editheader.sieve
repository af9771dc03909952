# Golden image: editheader, index, date, relational.
require ["editheader", "index", "date", "relational", "fileinto"];
addheader "X-Sift-Golden" "checked";
addheader :last "X-Trace" "two";
deleteheader "x-priority";
if allof (header :is "x-sift-golden" "checked", not exists "x-priority") {
  fileinto "Edited";
}
if header :index 1 :last :is "x-trace" "two" {
  fileinto "Traced";
}
if date :value "eq" "date" "year" "2026" {
  fileinto "Y2026";
}
if date :zone "+0100" :is "date" "hour" "08" {
  fileinto "Morning";
}
