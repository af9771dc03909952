if true {
    keep
    redirect "anna@example.com";
}
