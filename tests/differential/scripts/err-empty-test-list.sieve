# test-list needs at least one test (RFC 5228 8.2).
if allof () { discard; }
