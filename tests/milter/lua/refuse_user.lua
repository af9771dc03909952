-- A user's script that can refuse decides for its recipient alone: it is
-- deferred with 452 4.5.3 when others are in the transaction (and others
-- when it came first), and refuses with its reason when alone.
dofile(dir .. "/common.lua")
local conn = open("USER1")
rcpt(conn, "<bob@example.net>")
rcpt(conn, "<refuser@example.net>", SMFIR_REPLYCODE)
send(conn, clean_headers("refuse me"), "hello\r\n")
untouched(conn, "bob's copy, refuser deferred", {"<bob@example.net>"})
close(conn)

conn = open("USER2")
rcpt(conn, "<refuser@example.net>")
rcpt(conn, "<bob@example.net>", SMFIR_REPLYCODE)
send(conn, clean_headers("refuse me"), "hello\r\n")
reply_is(conn, SMFIR_REPLYCODE, "refuser's own refusal")
need(mt.eom_check(conn, MT_SMTPREPLY, "550", "5.7.1", "not wanted here"), "refuser: 550 5.7.1 not wanted here")
close(conn)

conn = open("USER3")
rcpt(conn, "<refuser@example.net>")
send(conn, clean_headers("fine"), "hello\r\n")
untouched(conn, "refuser accepts what its script does not refuse", {"<refuser@example.net>"})
close(conn)
