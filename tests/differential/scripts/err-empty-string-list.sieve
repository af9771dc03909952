# string-list needs at least one string (RFC 5228 8.2).
if header :is "Subject" [] { discard; }
