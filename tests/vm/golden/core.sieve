# Golden image: RFC 5228 tests and actions, fileinto, envelope, copy.
require ["fileinto", "envelope", "copy"];
if not exists "X-Spam-Flag" {
  if allof (header :contains "subject" "invoice",
            address :domain :is "from" "example.com",
            envelope :localpart :is "to" "bob") {
    fileinto :copy "Invoices";
  }
}
if anyof (size :over 100K, header :is "x-priority" "1") {
  discard;
  stop;
}
if address :all :is ["to", "cc"] "carol@example.net" {
  redirect "archive@example.org";
}
if size :under 1 { discard; }
if header :matches "Subject" "Invoice *" {
  fileinto "Finance";
  keep;
  stop;
}
fileinto "Unreached";
