require ["foreverypart", "mime", "variables", "fileinto"];
foreverypart :name "outer" {
  set "o" "${o}o";
  foreverypart :name "inner" {
    set "i" "${i}i";
    if header :mime :is "X-Level" "leaf-plain" { break :name "outer"; }
    if header :mime :is "X-Level" "attachment" { break; }
  }
}
set :length "lo" "${o}";
set :length "li" "${i}";
fileinto "outer-${lo}-inner-${li}";
