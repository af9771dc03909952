require "fileinto";
if address :is "To" "three@example.com" {
    if address :localpart :is "From" "folded" { fileinto "FoldedAddr"; }
}
