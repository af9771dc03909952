# Golden image: vnd.sift.link (test_link) on link.eml, whose one link
# shows www.bank.example.com (split by <b>) and opens 203.0.113.9.
require ["vnd.sift.link", "relational", "comparator-i;ascii-numeric", "fileinto"];
if allof (link :trait "mismatch",
          link :trait "ip",
          link :shownhost "www.bank.example.com",
          link :host "203.0.113.9",
          link :text "www.bank.example.com",
          link :url "http://203.0.113.9/login",
          link :count "eq" :comparator "i;ascii-numeric" "1",
          link :brand "example.com") {
  fileinto "Phish";
}
