# The domain part is case-insensitive; are these the same recipient?
redirect "copy@example.org";
redirect "copy@EXAMPLE.ORG";
