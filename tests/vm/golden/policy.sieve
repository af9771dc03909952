# Golden image: spamtest, spamtestplus, virustest, extlists, environment,
# currentdate; run in the world of tests/vm/golden_host.cpp.
require ["spamtestplus", "virustest", "extlists", "environment", "date",
         "relational", "comparator-i;ascii-numeric", "fileinto"];
if allof (spamtest :value "eq" :comparator "i;ascii-numeric" "5",
          spamtest :percent :is "50") {
  fileinto "SpamHalf";
}
if virustest :value "eq" :comparator "i;ascii-numeric" "2" {
  fileinto "VirusQuarter";
}
if allof (valid_ext_list ":addrbook:friends",
          not valid_ext_list "urn:ietf:params:sieve:addrbook:strangers") {
  fileinto "Lists";
}
if address :list "from" "urn:ietf:params:sieve:addrbook:friends" {
  redirect :list ":addrbook:friends";
}
if allof (environment :is "name" "Sift",
          environment :is "remote-ip" "192.0.2.25",
          environment :is "domain" "example.net") {
  fileinto "Environment";
}
if allof (currentdate :zone "+0000" :is "date" "2026-11-23",
          currentdate :zone "+0000" :is "time" "09:30:00",
          currentdate :zone "-1000" :is "weekday" "0") {
  fileinto "SundayInHawaii";
}
