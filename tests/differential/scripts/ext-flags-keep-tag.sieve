require ["imap4flags"];
setflag "ignored";
keep :flags ["a b", "c"];
