-- replace (RFC 5703) in a user's script: the received header fields are
-- deleted, the new message's added, the body replaced (SMFIR_REPLBODY).
dofile(dir .. "/common.lua")
local conn = open("REPL1")
rcpt(conn, "<replacer@example.net>")
send(conn, clean_headers("to be replaced"), "the old body\r\n")
reply_is(conn, SMFIR_CONTINUE, "replace")
need(mt.eom_check(conn, MT_BODYCHANGE), "body replaced")
need(not mt.eom_check(conn, MT_BODYCHANGE, "the old body\r\n"), "not with the old body")
need(mt.eom_check(conn, MT_HDRDELETE, "Subject"), "the received Subject deleted")
need(mt.eom_check(conn, MT_HDRADD, "Subject", "Replaced"), "Subject: Replaced added")
need(not mt.eom_check(conn, MT_RCPTDELETE, "<replacer@example.net>"), "recipient kept")
close(conn)
