# Golden image: vnd.sift.replycode (mod_replycode), refused as 554 5.7.0.
require ["ereject", "vnd.sift.replycode"];
if header :contains "subject" "invoice" {
  ereject :replycode "554 5.7.0" "Message rejected: no invoices by mail.";
}
