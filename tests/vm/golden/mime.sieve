# Golden image: mime, foreverypart (named loop, break), extracttext, body.
require ["mime", "foreverypart", "extracttext", "variables", "fileinto",
         "body", "imap4flags"];
foreverypart :name "parts" {
  if header :mime :param "filename" :matches "content-disposition" "*.pdf" {
    set "attachment" "${1}";
    break :name "parts";
  }
}
if header :mime :anychild :subtype "content-type" "pdf" {
  addflag "$HasPdf";
}
foreverypart {
  if header :mime :type "content-type" "text" {
    extracttext :first 9 "opening";
  }
}
if body :raw :contains "JVBERi0xLjQK" {
  addflag "$Raw";
}
if string :is "${opening}" "Dear Bob," {
  fileinto "Bills/${attachment}";
}
if body :text :contains "pay by friday" {
  fileinto "Due";
}
if body :content "application/pdf" :contains "%PDF-1.4" {
  fileinto "Pdf";
}
