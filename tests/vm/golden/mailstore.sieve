# Golden image: mailbox, mboxmetadata, servermetadata, special-use,
# mailboxid, fcc; run in the world of tests/vm/golden_host.cpp.
require ["fileinto", "mailbox", "mboxmetadata", "servermetadata",
         "special-use", "mailboxid", "fcc", "enotify", "imap4flags"];
if allof (mailboxexists ["INBOX", "Archive"], not mailboxexists "Missing") {
  fileinto :create "Exists";
}
if metadata :is "INBOX" "/private/comment" "golden inbox" {
  fileinto "Commented";
}
if allof (metadataexists "INBOX" "/private/comment",
          not metadataexists "Archive" "/private/comment") {
  fileinto "HasComment";
}
if servermetadata :matches "/shared/admin" "mailto:*@example.net" {
  fileinto "Admin";
}
if allof (servermetadataexists "/shared/admin",
          not servermetadataexists "/shared/comment") {
  fileinto "ServerEntry";
}
if allof (specialuse_exists "\\Junk", specialuse_exists "Junk" "\\Junk",
          not specialuse_exists "Archive" "\\Junk") {
  fileinto :specialuse "\\Junk" "Spam";
}
if allof (mailboxidexists "Farchive42", not mailboxidexists "Fmissing") {
  fileinto :mailboxid "Farchive42" "Old";
}
notify :fcc "Sent" :create :flags "\\Seen" :specialuse "\\Sent"
       :mailboxid "Fsent7" :message "Invoice filed"
       "mailto:bob-phone@example.net";
