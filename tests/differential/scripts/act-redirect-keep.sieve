redirect "boss@example.org";
keep;
