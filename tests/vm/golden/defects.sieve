# Golden image: vnd.sift.defects, on defects.eml (a header line that is
# not a field ends its header section: docs/MESSAGE.md).
require ["vnd.sift.defects", "fileinto", "relational",
         "comparator-i;ascii-numeric"];
if defect :is "header_line_malformed" {
  fileinto "Malformed";
}
if defect :count "eq" :comparator "i;ascii-numeric" "1" {
  fileinto "OneDefect";
}
if not exists "x-hidden" {
  fileinto "HiddenIsBody";
}
