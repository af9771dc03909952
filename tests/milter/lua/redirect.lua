-- redirect: the target added and the recipient removed; redirect :copy:
-- the target added and the recipient kept.
dofile(dir .. "/common.lua")
local conn = open("REDIR1")
rcpt(conn, "<fwd@example.net>")
rcpt(conn, "<copy@example.net>")
send(conn, clean_headers(), "hello\r\n")
reply_is(conn, SMFIR_CONTINUE, "redirect")
need(mt.eom_check(conn, MT_RCPTADD, "elsewhere@example.org"), "redirect target added")
need(mt.eom_check(conn, MT_RCPTDELETE, "<fwd@example.net>"), "redirected recipient removed")
need(mt.eom_check(conn, MT_RCPTADD, "archive@example.org"), ":copy target added")
need(not mt.eom_check(conn, MT_RCPTDELETE, "<copy@example.net>"), ":copy recipient kept")
close(conn)
