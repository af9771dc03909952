redirect "one@example.org";
redirect "two@example.org";
