require "reject";
if header :contains "subject" "lunch" {
  reject text:
Sorry, I do not eat lunch.
..and never will.
.
;
}
