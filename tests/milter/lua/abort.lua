-- An aborted transaction (RSET) leaves nothing behind: the next message on
-- the same connection has only its own recipients and headers.
dofile(dir .. "/common.lua")
local conn = open("ABORT1")
rcpt(conn, "<filer@example.net>")
step(mt.header(conn, "Subject", "never finished"), "header")
step(mt.abort(conn), "abort")
mt.macro(conn, SMFIC_MAIL, "i", "ABORT2")
step(mt.mailfrom(conn, "<alice@example.org>"), "second mail from")
reply_is(conn, SMFIR_CONTINUE, "second mail from")
rcpt(conn, "<bob@example.net>")
send(conn, clean_headers(), "hello\r\n")
untouched(conn, "after abort", {"<bob@example.net>", "<filer@example.net>"})
close(conn)
