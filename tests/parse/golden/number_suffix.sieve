if size :over 100KB { discard; }
