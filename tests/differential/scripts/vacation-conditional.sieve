require ["vacation", "fileinto"];
if header :contains "subject" "urgent" {
  vacation :addresses ["recipient@example.com"] "I will read it later.";
  fileinto "Urgent";
}
