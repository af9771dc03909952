# Golden image: variables (match variables, modifiers), imap4flags,
# relational with i;ascii-numeric, string.
require ["variables", "imap4flags", "fileinto", "relational",
         "comparator-i;ascii-numeric"];
if header :matches "subject" "Invoice *-* for *" {
  set "year" "${1}";
  set "number" "${2}";
  set :lower :upperfirst "who" "${3}";
}
set :length "len" "${number}";
set "folder" "Invoices/${year}/${who}";
addflag "\\Seen";
addflag ["$Invoice", "\\Flagged"];
removeflag "\\Flagged";
if allof (hasflag :is "$invoice", not hasflag :is "\\flagged") {
  addflag "$Checked";
}
if string :value "ge" :comparator "i;ascii-numeric" "${number}" "100" {
  addflag "$Big";
}
if string :is "${len}" "3" {
  fileinto :flags "\\Answered" "${folder}";
}
keep;
