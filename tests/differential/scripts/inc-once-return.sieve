require ["include", "variables", "fileinto"];
global "box";
set "box" "main";
set "local" "main";
include :once "incl-vars";
include :once "incl-vars";
include "incl-vars";
fileinto "${box}.${local}";
