# RFC 5228 2.4.2.3: sieve-address = addr-spec / phrase "<" addr-spec ">".
# The message goes to the addr-spec, not to the whole string.
redirect "Copy Person <copy@example.org>";
