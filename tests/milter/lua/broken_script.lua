-- A user's script that does not compile: the policy alone applies (the
-- driver checks that the error was logged with file:line:column).
dofile(dir .. "/common.lua")
local conn = open("BROKEN1")
rcpt(conn, "<broken@example.net>")
send(conn, clean_headers("x marks it"), "hello\r\n")
untouched(conn, "broken script: policy alone", {"<broken@example.net>"})
close(conn)
