if true discard;
