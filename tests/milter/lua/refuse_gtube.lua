-- The policy refuses GTUBE as spam at end-of-message: 550 5.7.1 with the
-- policy's reason.
dofile(dir .. "/common.lua")
local conn = open("GTUBE1")
rcpt(conn, "<bob@example.net>")
rcpt(conn, "<carol@example.net>")
send(conn, clean_headers(), "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X\r\n")
reply_is(conn, SMFIR_REPLYCODE, "GTUBE")
need(mt.eom_check(conn, MT_SMTPREPLY, "550", "5.7.1", "message refused as spam"), "GTUBE: 550 5.7.1 refused as spam")
close(conn)
