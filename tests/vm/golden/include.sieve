# Golden image: include (:personal, :once, return, global variables).
require ["include", "variables", "fileinto"];
global "folder";
set "folder" "Lib";
include :once :personal "golden-lib";
include :once :personal "golden-lib";
fileinto "${folder}";
