require "editheader";
addheader "X-Tagged" "yes";
deleteheader "X-Remove-Me";
