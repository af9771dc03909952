-- Users' own fileinto, per recipient: filer's folder name has a space
-- (made safe: =20), junk's is plain, bob has no script and keeps his
-- address. One transaction, one message parsed, three envelopes. The
-- plus addresses go out as SMFIR_ADDRCPT_PAR, which miltertest does not
-- record (policy_spam_folder.lua).
dofile(dir .. "/common.lua")
local conn = open("FILE1")
rcpt(conn, "<filer@example.net>")
rcpt(conn, "<Junk+old@Example.NET>")
rcpt(conn, "<bob@example.net>")
send(conn, clean_headers(), "hello\r\n")
reply_is(conn, SMFIR_CONTINUE, "fileinto")
need(mt.eom_check(conn, MT_RCPTDELETE, "<filer@example.net>"), "filer removed")
need(mt.eom_check(conn, MT_RCPTDELETE, "<Junk+old@Example.NET>"), "Junk+old removed")
need(not mt.eom_check(conn, MT_RCPTDELETE, "<bob@example.net>"), "bob kept")
close(conn)
