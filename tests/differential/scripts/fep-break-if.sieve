require ["foreverypart", "mime", "variables", "fileinto"];
foreverypart {
  set "n" "${n}x";
  if header :mime :contains "Content-Type" "zip" { break; }
}
set :length "ln" "${n}";
fileinto "n-${ln}";
