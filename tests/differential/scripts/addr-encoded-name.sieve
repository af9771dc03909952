require "fileinto";
if address :is "From" "joerg@example.de" {
    if address :domain :is "To" "example.fr" { fileinto "EncodedNames"; }
}
