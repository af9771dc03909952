-- Run against a milter whose store (and so the block lists) is
-- unreachable: the lookup fails and the message is tempfailed, never
-- accepted unfiltered.
dofile(dir .. "/common.lua")
local conn = open("DOWN1")
rcpt(conn, "<bob@example.net>")
send(conn, clean_headers(), "hello\r\n")
reply_is(conn, SMFIR_REPLYCODE, "store down")
need(mt.eom_check(conn, MT_SMTPREPLY, "451", "4.3.0", "Temporary failure in message filtering, try again later"),
     "store down: 451 4.3.0")
close(conn)
