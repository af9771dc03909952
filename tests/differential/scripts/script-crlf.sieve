require "fileinto";
if header :contains "Subject" "Lunch" {
    fileinto "CRLF-Script";
}
