-- discard: alone, the message is discarded; beside a recipient who keeps
-- it, only the discarding recipient is removed.
dofile(dir .. "/common.lua")
local conn = open("DISC1")
rcpt(conn, "<drop@example.net>")
send(conn, clean_headers(), "hello\r\n")
reply_is(conn, SMFIR_DISCARD, "discard alone")
close(conn)

conn = open("DISC2")
rcpt(conn, "<drop@example.net>")
rcpt(conn, "<bob@example.net>")
send(conn, clean_headers(), "hello\r\n")
reply_is(conn, SMFIR_CONTINUE, "discard beside keep")
need(mt.eom_check(conn, MT_RCPTDELETE, "<drop@example.net>"), "discarding recipient removed")
need(not mt.eom_check(conn, MT_RCPTDELETE, "<bob@example.net>"), "keeping recipient stays")
close(conn)
