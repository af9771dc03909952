# Golden image: vnd.sift.attachment, on attachment.eml (Docs.zip holding
# bin/clam.exe and notes.txt; a PDF whose RFC 2047 name hides a U+202E).
require ["vnd.sift.attachment", "vnd.sift.defects", "variables", "fileinto"];
if attachment :extension ["exe", "scr"] {
  fileinto "forbidden/${1}/${2}/${3}";
}
if attachment :name :matches "*.txt" {
  fileinto "text/${0}";
}
if defect :is "attachment_name_bidi" {
  fileinto "bidi";
}
if attachment :is "reportfdp.pdf" {
  fileinto "normalised";
}
