if header :contain "subject" "offer" {
    discard;
}
