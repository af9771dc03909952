require "reject";
if header :contains "subject" "refuse me" {
  reject "not wanted here";
}
