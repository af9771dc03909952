require ["envelope", "fileinto"];
if envelope :is "from" "Bounce+123@Lists.Example.ORG" {
    if envelope :localpart :is "to" "bob" {
        if envelope :domain :is "to" "example.net" { fileinto "Envelope"; }
    }
}
