require ["encoded-character", "fileinto"];
# Upper/lower-case hex digits, several pairs, and ${unicode:} with leading
# zeros all decode: the mailbox is "ZzZé".
fileinto "${hex:5A 7a}${unicode:005a}${UNICODE: E9}";
