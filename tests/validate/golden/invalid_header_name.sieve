if header "X Spam" "yes" {
    discard;
}
