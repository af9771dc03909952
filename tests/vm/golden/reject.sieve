# Golden image: reject, ihave, error.
require ["reject", "ihave"];
if ihave "vnd.sift.golden-nonexistent" {
  error "unreachable";
}
if header :contains "subject" "invoice" {
  reject "No invoices here, please.";
}
