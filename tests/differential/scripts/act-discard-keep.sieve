# keep after discard: discard only cancels the implicit keep.
discard;
keep;
