require "fileinto";
if header :is "Subject" "no such subject" {
    fileinto "First";
} elsif header :contains "Subject" "tomorrow" {
    fileinto "Second";
} elsif true {
    fileinto "Third";
} else {
    fileinto "Fourth";
}
