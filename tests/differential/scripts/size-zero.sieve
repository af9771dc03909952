# :under 0 is never true.
if size :under 0 { discard; }
