require ["foreverypart", "mime", "variables", "fileinto", "extracttext"];
# RFC 5703 §7: the current part's text, decoded to UTF-8.
foreverypart {
  if header :mime :contenttype "content-type" "text/plain" {
    extracttext :first 11 "t";
    fileinto "plain-${t}";
  }
  if header :mime :contenttype "content-type" "text/html" {
    extracttext "h";
    if string :contains "${h}" "<" { fileinto "html-markup"; }
    if string :contains "${h}" "Bern" { fileinto "html-text"; }
  }
  if header :mime :type "content-type" "multipart" {
    extracttext "m";
    if string :is "${m}" "" { fileinto "multipart-empty"; }
  }
  if header :mime :subtype "content-type" "zip" {
    extracttext :upper "z";
    if string :is "${z}" "" { fileinto "zip-empty"; }
  }
}
