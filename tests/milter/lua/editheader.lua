-- editheader in a user's script: addheader inserts at the top,
-- deleteheader removes the field by its index among those of its name.
dofile(dir .. "/common.lua")
local conn = open("HDR1")
rcpt(conn, "<tagger@example.net>")
local h = clean_headers()
table.insert(h, {"X-Remove-Me", "one"})
table.insert(h, {"X-Remove-Me", "two"})
send(conn, h, "hello\r\n")
reply_is(conn, SMFIR_CONTINUE, "editheader")
need(mt.eom_check(conn, MT_HDRINSERT, "X-Tagged", "yes", 0), "X-Tagged: yes inserted at 0")
need(mt.eom_check(conn, MT_HDRDELETE, "X-Remove-Me"), "X-Remove-Me deleted")
need(not mt.eom_check(conn, MT_RCPTDELETE, "<tagger@example.net>"), "recipient kept")
close(conn)
