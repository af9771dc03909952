require ["filein", "imap4flags"];
