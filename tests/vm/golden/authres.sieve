# Golden image: vnd.sift.authres, on authres.eml, with `sift run
# --authserv-id mx.example.net` (the field by evil.example is not believed).
require ["vnd.sift.authres", "fileinto", "relational",
         "comparator-i;ascii-numeric"];
if authres :method "dmarc" "fail" {
  fileinto "DmarcFail";
}
if authres :method "dmarc" "pass" {
  fileinto "Forged";
}
if authres :method "dkim" :aligned "pass" {
  fileinto "DkimAligned";
}
if authres :method "spf" :aligned "pass" {
  fileinto "SpfAligned";
}
if authres :method "dmarc" :property "pct" :value "lt"
           :comparator "i;ascii-numeric" "100" {
  fileinto "Sampled";
}
