require ["imap4flags", "fileinto"];
setflag "urgent \\Seen";
if hasflag :is "URGENT" { fileinto "Urgent"; }
if hasflag :contains "rg" { fileinto "Contains"; }
if hasflag "nothere" { fileinto "Wrong"; }
