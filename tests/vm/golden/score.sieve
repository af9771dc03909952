# Golden image: vnd.sift.score (add_score_hit, test_score), run by `sift run`.
require ["vnd.sift.score", "relational", "comparator-i;ascii-numeric",
         "fileinto", "variables"];
if header :contains "subject" "invoice" {
  score :rule "INVOICE_WORDING" "1.5";
}
score :category "Promotions" :rule "NEWSLETTER" "-0.25";
set "w" "2.125";
score :rule "FROM_VARIABLE" "${w}";
score :rule "INVOICE_WORDING" "9";
if score :value "eq" "3.625" {
  fileinto "Spam3.625";
}
if score :category "promotions" :value "lt" "0" {
  fileinto "NegativePromotions";
}
if score :count "eq" "2" {
  fileinto "TwoSpamRules";
}
if score :comparator "i;octet" :matches "3.6*" {
  fileinto "Text";
}
