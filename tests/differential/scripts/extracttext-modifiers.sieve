require ["foreverypart", "variables", "fileinto", "extracttext"];
foreverypart {
  extracttext :upper :first 7 "t";
  fileinto "${t}";
  extracttext :length :first 5 "l";
  fileinto "len-${l}";
}
