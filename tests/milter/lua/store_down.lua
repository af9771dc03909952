-- Run against a milter whose store (and so the block lists) is
-- unreachable: the lookup fails and the mail is tempfailed, never accepted
-- unfiltered. With the block lists checked at RCPT (the default) the
-- recipient is deferred there (DOWN1); with --no-rcpt-block-lists the
-- recipient's settings (and the policy's lists) cannot be read at
-- end-of-message (DOWN2). The driver starts
-- the milter each way and passes `mode`.
dofile(dir .. "/common.lua")
if mode == "rcpt" then
  local conn = open("DOWN1")
  rcpt(conn, "<bob@example.net>", SMFIR_REPLYCODE)
  close(conn)
else
  local conn = open("DOWN2")
  rcpt(conn, "<bob@example.net>")
  send(conn, clean_headers(), "hello\r\n")
  reply_is(conn, SMFIR_REPLYCODE, "store down")
  need(mt.eom_check(conn, MT_SMTPREPLY, "451", "4.3.0", "Temporary failure in message filtering, try again later"),
       "store down: 451 4.3.0")
  close(conn)
end
