# Golden image: duplicate, vacation, enotify.
require ["duplicate", "vacation", "enotify", "variables"];
if duplicate {
  discard;
  stop;
}
if address :matches "from" "*@*" {
  set "sender" "${1}";
}
notify :importance "1" :message "invoice from ${sender}"
       "mailto:bob-phone@example.net";
vacation :days 7 :subject "Out of office" :from "bob@example.net"
         :addresses ["carol@example.net"]
         "I am away until Monday.";
