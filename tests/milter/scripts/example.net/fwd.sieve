redirect "elsewhere@example.org";
