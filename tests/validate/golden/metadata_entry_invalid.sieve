require "mboxmetadata";
if metadata "INBOX" "/frob" "x" {
    keep;
}
