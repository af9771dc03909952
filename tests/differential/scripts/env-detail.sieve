require ["envelope", "fileinto"];
# Without "subaddress" the local part includes the +detail.
if envelope :localpart :is "to" "bob+lists" { fileinto "Detail"; }
