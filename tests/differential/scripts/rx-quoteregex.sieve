require ["regex", "variables", "fileinto"];
# draft-ietf-sieve-regex-01 4: set :quoteregex
set :quoteregex "q" "1+1=2 (yes?)";
if string :regex "is 1+1=2 (yes?)" "${q}$" { fileinto "quoted"; }
if string :regex "is 11=2 yes" "${q}" { fileinto "quoted-wrong"; }
set :quoteregex "d" "a.b";
if string :regex "axb" "^${d}$" { fileinto "dot-wrong"; }
