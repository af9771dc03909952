require "reject";
if header :contains "subject" "long refusal" {
  reject "This message is not wanted here, and the reason is long enough to need several reply lines: it goes on and on, naming the sender's habits, the hour, the weather, the subject of the message, the size of the attachment, the other recipients, the number of times this has happened before, the policy of the site about such mail, the address to write to if the sender thinks this refusal is a mistake, and then, after all of that, it repeats the whole of it once more for good measure: this message is not wanted here, and the reason is long enough to need several reply lines, going on and on about the sender's habits, the hour, the weather, the subject, the size of the attachment, the other recipients, the number of times this has happened before, the policy of the site about such mail, and the address to write to.";
} elsif header :contains "subject" "refuse me" {
  reject "not wanted here";
}
