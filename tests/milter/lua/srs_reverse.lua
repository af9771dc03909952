-- Reverse SRS (docs/MILTER.md, "SRS"): run by run_miltertest.py against a
-- sift-milter with --srs-domain fwd.example, which passes today's SRS
-- addresses (written by its own HMAC code, not sift's):
--   good:    SRS0 for anna@example.com
--   good1:   SRS1 for hop1.example's SRS0 address `hop1` (another forwarder)
--   forged:  `good` with a wrong hash
--   expired: SRS0 for anna@example.com written 30 days ago
dofile(dir .. "/common.lua")

-- What a DSN looks like to the milter (the content does not matter: no
-- script runs for an SRS address).
local function dsn_headers()
  return {{"From", "Mail Delivery System <MAILER-DAEMON@example.org>"}, {"To", "x@fwd.example"},
          {"Subject", "Undelivered Mail Returned to Sender"},
          {"Date", "Wed, 02 Dec 2026 08:00:00 +0000"}, {"Message-ID", "<dsn1@example.org>"}}
end

-- The original address is added with ORCPT (smfi_addrcpt_par), which
-- miltertest does not record (it offers SMFIF_ADDRCPT_PAR and ignores
-- mt.negotiate's actions): run_miltertest.py checks the log's
-- srs_reversed for it.
-- A bounce (null sender) to our SRS0 address: at end-of-message the SRS
-- address is removed and anna added; nothing else changes.
local conn = open("BOUNCE1", {from = "<>"})
rcpt(conn, "<" .. good .. ">")
-- The body of a bounce is not needed: SKIP (miltertest offers SMFIP_SKIP).
send(conn, dsn_headers(), "This is the mail system at host example.org.\r\n", SMFIR_SKIP)
reply_is(conn, SMFIR_CONTINUE, "BOUNCE1")
need(mt.eom_check(conn, MT_RCPTDELETE, "<" .. good .. ">"), "BOUNCE1: the SRS address removed")
need(not mt.eom_check(conn, MT_HDRINSERT), "BOUNCE1: no score field (no policy ran)")
need(not mt.eom_check(conn, MT_HDRADD), "BOUNCE1: no header added")
need(not mt.eom_check(conn, MT_HDRDELETE), "BOUNCE1: no header removed")
need(not mt.eom_check(conn, MT_BODYCHANGE), "BOUNCE1: body unchanged")
close(conn)

-- From a non-null sender, to our SRS1 address (two hops): the bounce goes
-- back to the first hop's SRS0 address; an ordinary recipient after it is
-- deferred (452: another transaction).
conn = open("BOUNCE2", {from = "<postmaster@example.org>"})
rcpt(conn, "<" .. good1 .. ">")
rcpt(conn, "<bob@example.net>", SMFIR_REPLYCODE)
send(conn, dsn_headers(), "Your message could not be delivered.\r\n", SMFIR_SKIP)
reply_is(conn, SMFIR_CONTINUE, "BOUNCE2")
need(mt.eom_check(conn, MT_RCPTDELETE, "<" .. good1 .. ">"), "BOUNCE2: the SRS1 address removed")
need(not mt.eom_check(conn, MT_RCPTADD, "bob@example.net"), "BOUNCE2: bob not added")
need(not mt.eom_check(conn, MT_HDRINSERT), "BOUNCE2: no score field")
close(conn)

-- An ordinary recipient first: a bounce to an SRS address after it is
-- deferred, and the message goes through the policy for bob alone.
conn = open("MIXED1")
rcpt(conn, "<bob@example.net>")
rcpt(conn, "<" .. good .. ">", SMFIR_REPLYCODE)
send(conn, clean_headers(), "hello\r\n")
untouched(conn, "MIXED1", {"<bob@example.net>"})
need(not mt.eom_check(conn, MT_RCPTADD, "anna@example.com"), "MIXED1: anna not added")
close(conn)

-- A forged hash and an expired timestamp: refused at RCPT (550 5.1.1,
-- the log has the reason), never accepted.
conn = open("FORGED1", {from = "<>"})
rcpt(conn, "<" .. forged .. ">", SMFIR_REPLYCODE)
close(conn)
conn = open("EXPIRED1", {from = "<>"})
rcpt(conn, "<" .. expired .. ">", SMFIR_REPLYCODE)
close(conn)
