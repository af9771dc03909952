# Included by include.sieve (compiled into its image).
require ["include", "variables"];
global "folder";
set "folder" "${folder}/Seen";
if header :contains "subject" "invoice" {
  return;
}
set "folder" "${folder}/NotInvoice";
