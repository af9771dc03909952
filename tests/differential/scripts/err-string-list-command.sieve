discard ["a"];
