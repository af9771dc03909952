# discard cancels the implicit keep and nothing is delivered.
discard;
