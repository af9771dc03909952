require "fileinto";
if address :localpart :is "from" "anna" {
    if address :domain :is "from" "EXAMPLE.com" { fileinto "Parts"; }
}
