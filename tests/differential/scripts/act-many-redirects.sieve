# Five distinct redirects exceed Pigeonhole's default policy limit of 4;
# both engines use the same limit and fail at runtime.
redirect "a@example.org";
redirect "b@example.org";
redirect "c@example.org";
redirect "d@example.org";
redirect "e@example.org";
