# Example filter for `sift filter`: files spam and list mail, forwards
# invoices, drops a known nuisance sender. Try: sift dump examples/filter.sieve
require ["fileinto", "envelope"];

if anyof (header :is "X-Spam-Flag" "YES",
          header :contains "Subject" ["viagra", "lottery winner"]) {
    fileinto "Spam";
    stop;
}

if envelope :domain :is "from" "nuisance.example" {
    discard;
    stop;
}

if exists "List-Id" {
    fileinto "Lists";
} elsif address :is :localpart "to" "invoices" {
    redirect "accounting@example.com";
} elsif size :over 1M {
    fileinto "Large";
}
