require ["imap4flags"];
addflag ["\\Flagged work", "\\seen"];
addflag "Work";
removeflag "\\FLAGGED";
