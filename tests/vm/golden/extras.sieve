# Golden image: regex, relational :count, subaddress, encoded-character,
# date zones, mime exists, enotify tests, imap4flags setflag, enclose.
require ["regex", "relational", "comparator-i;ascii-numeric", "subaddress",
         "encoded-character", "date", "fileinto", "copy", "variables",
         "enclose", "mime", "enotify", "imap4flags"];
if header :regex "subject" "^Invoice ([0-9]{4})-([0-9]+) for" {
  fileinto :copy "Invoice-${2}";
}
if address :count "eq" :comparator "i;ascii-numeric" "to" "2" {
  fileinto :copy "TwoRecipients";
}
if address :user :is "to" "carol" {
  fileinto :copy "Carol";
}
if header :is "subject" "${hex:49}nvoice 2026-117 for Bob" {
  fileinto :copy "Encoded";
}
if date :originalzone :is "date" "zone" "+0000" {
  fileinto :copy "Utc";
}
if exists :mime :anychild "content-disposition" {
  fileinto :copy "Attachment";
}
if allof (valid_notify_method "mailto:bob@example.net",
          notify_method_capability "mailto:bob@example.net" "online" "maybe") {
  fileinto :copy "Notifiable";
}
setflag "\\Seen";
enclose :subject "Forwarded invoice" :headers ["from"]
        "The invoice is attached.";
