# Constant redirect addresses are checked at compile time.
redirect "not an address";
