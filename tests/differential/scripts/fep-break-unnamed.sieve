require ["foreverypart", "mime", "variables", "fileinto"];
# An inner loop runs only on parts that contain parts; break leaves it.
foreverypart {
  set "n" "${n}x";
  foreverypart { set "m" "${m}y"; break; }
}
set :length "ln" "${n}";
set :length "lm" "${m}";
fileinto "n-${ln}-m-${lm}";
