-- A clean message for a recipient without a script: accepted unchanged
-- but for the policy's score fields.
dofile(dir .. "/common.lua")
local conn = open("CLEAN1")
rcpt(conn, "<bob@example.net>")
send(conn, clean_headers(), "see you at noon\r\n")
untouched(conn, "clean message", {"<bob@example.net>"})
close(conn)
