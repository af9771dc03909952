if not { discard; }
