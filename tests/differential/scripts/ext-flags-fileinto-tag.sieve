require ["imap4flags", "fileinto"];
fileinto :flags "\\Answered" "Box";
fileinto "Other";
