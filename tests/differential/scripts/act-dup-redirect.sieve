redirect "copy@example.org";
redirect "copy@example.org";
