require ["imap4flags", "fileinto", "variables"];
set "myflags" "";
addflag "myflags" "one two";
removeflag "myflags" "one";
if hasflag "myflags" "two" { fileinto "Two"; }
if hasflag "myflags" "one" { fileinto "One"; }
fileinto :flags "${myflags}" "Tagged";
