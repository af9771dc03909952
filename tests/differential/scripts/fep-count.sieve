require ["foreverypart", "mime", "variables", "fileinto"];
# RFC 5703 §3: every part, depth-first, the message first (as Pigeonhole).
foreverypart {
  set "n" "${n}x";
  if header :mime :contains "X-Level" "leaf" { set :length "at" "${n}"; fileinto "leaf-at-${at}"; }
  if header :mime :is "X-Level" "forwarded" { set :length "at" "${n}"; fileinto "forwarded-at-${at}"; }
}
set :length "count" "${n}";
fileinto "parts-${count}";
