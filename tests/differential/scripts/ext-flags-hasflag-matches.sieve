require ["imap4flags", "fileinto"];
addflag ["$Label1", "$Label2"];
if hasflag :matches "$label?" { fileinto "Labelled"; }
