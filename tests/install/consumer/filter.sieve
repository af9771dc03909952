# Run twice on message.eml by the consumer: the first run files it, the
# second sees its Message-ID again.
require ["duplicate", "fileinto", "imap4flags"];
if duplicate {
    discard;
    stop;
}
if header :contains "list-id" "sift-users" {
    fileinto :flags "\\Seen" "Lists/sift";
}
