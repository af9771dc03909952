require ["include", "variables"];
global "box";
set "box" "${box}-sub";
set "local" "sub";
return;
set "box" "never";
