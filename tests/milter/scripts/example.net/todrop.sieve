redirect "drop@example.net";
