require ["foreverypart", "mime", "fileinto", "variables"];
foreverypart {
  if header :mime :type "Content-Type" "application" { fileinto "type-application"; }
  if header :mime :subtype "content-type" "zip" { fileinto "subtype-zip"; }
  if header :mime :contenttype "content-type" "text/html" { fileinto "contenttype-html"; }
  if header :mime :param "filename" "content-disposition" "invoice.zip" { fileinto "param-filename"; }
  if header :mime :param ["name", "charset"] "content-type" "us-ascii" { fileinto "param-charset"; }
  if header :mime :type "content-disposition" "attachment" { fileinto "disposition-type"; }
  if header :mime :subtype "content-disposition" "" { fileinto "disposition-subtype-empty"; }
  if header :mime :contenttype "content-disposition" "attachment" { fileinto "disposition-contenttype"; }
}
if header :mime :anychild :contains "X-Level" "forwarded" { fileinto "anychild"; }
if header :mime :contains "X-Level" "forwarded" { fileinto "top-only"; }
if exists :mime :anychild "Content-Disposition" { fileinto "exists-anychild"; }
if exists :mime "Content-Disposition" { fileinto "exists-top"; }
if address :mime :anychild :domain "From" "example.net" { fileinto "address-anychild"; }
if address :mime :domain "From" "example.org" { fileinto "address-top"; }
if header :mime :type "content-type" "multipart" { fileinto "top-type"; }
