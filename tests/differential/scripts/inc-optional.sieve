require ["include", "fileinto"];
include :optional "incl-missing";
fileinto "after";
