require ["imap4flags", "variables"];
setflag "1bad" "x";
