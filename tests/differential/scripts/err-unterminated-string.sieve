redirect "alice@example.org;
