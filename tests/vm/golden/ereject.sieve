# Golden image: ereject (RFC 5429 §2.1), refused in SMTP as 550 5.7.1.
require ["ereject"];
if header :contains "subject" "invoice" {
  ereject "No invoices by mail.";
}
