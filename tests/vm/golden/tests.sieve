# Golden image: true, false, address :mime, replace (and what the tests
# after it see).
require ["fileinto", "mime", "replace"];
if true {
  fileinto "True";
}
if false {
  fileinto "False";
}
if address :mime :anychild :localpart :is "from" "anna" {
  fileinto "MimeFrom";
}
replace :subject "Invoice removed" "The invoice was removed.";
if allof (header :is "subject" "Invoice removed",
          not exists :mime :anychild "content-disposition") {
  fileinto "Replaced";
}
