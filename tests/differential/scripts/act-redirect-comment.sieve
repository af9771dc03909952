# CFWS around an addr-spec is not part of the address (RFC 5322 3.4.1).
redirect "copy@example.org (the copy)";
