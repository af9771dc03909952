# 2^64 does not fit; the quantifier overflows too.
if size :over 18446744073709551616 { discard; }
