# Golden image: vnd.sift.score's :rules (test_score_rules), run by `sift run`.
require ["vnd.sift.score", "relational", "fileinto", "variables"];
score :rule "ZED" "1";
score :rule "ALPHA" "2";
if header :contains "subject" "invoice" {
  score :rule "INVOICE_WORDING" "1.5";
}
if score :rules :matches "*" {
  fileinto "rules-${1}";
}
if score :category "social" :rules :is "" {
  fileinto "NoSocialRules";
}
if score :rules :count "eq" "3" {
  fileinto "ThreeRules";
}
