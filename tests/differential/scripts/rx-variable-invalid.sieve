require ["regex", "variables", "fileinto"];
set "regex" "[";
if header :regex "to" "${regex}" { fileinto "frop"; }
fileinto "after";
