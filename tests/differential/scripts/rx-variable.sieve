require ["regex", "variables", "fileinto"];
set "regex" "stephan[+](sieve)@friep.example.com";
if header :regex "from" "${regex}" { fileinto "var-${1}"; }
set "part" "K.ln";
if header :regex "subject" "${part}: (T.ST)" { fileinto "part-${1}"; }
