-- An authenticated submission ({auth_authen} at MAIL FROM). The driver
-- runs it twice: against the milter with the default --authenticated
-- submission (mode=submission), where a bogus HELO is not held against a
-- sender who logged in and the inbound spam rules do not run (GTUBE is
-- delivered, without score fields), while a forbidden attachment is still
-- refused; and against one with --authenticated inbound (mode=inbound),
-- where the same mail is judged as anyone's.
dofile(dir .. "/common.lua")
local GTUBE = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X\r\n"
local submission = mode == "submission"

-- A connection with HELO `helo` and MAIL FROM anna, logged in as
-- anna@example.net unless `anonymous`; `mail_reply`: MAIL FROM's answer.
local function submit(qid, helo, mail_reply, anonymous)
  local conn = mt.connect(socket, 40, 0.25)
  need(conn ~= nil, "connect to " .. socket)
  step(mt.conninfo(conn, "client.example", "192.0.2.10"), "conninfo")
  reply_is(conn, SMFIR_CONTINUE, "connect")
  step(mt.helo(conn, helo), "helo " .. helo)
  -- A bogus HELO is refused at HELO only inbound (--authenticated
  -- inbound); the default waits for MAIL FROM, where a login shows.
  local bogus = helo ~= "client.example"
  reply_is(conn, (bogus and not submission) and SMFIR_REPLYCODE or SMFIR_CONTINUE, qid .. ": helo " .. helo)
  if anonymous then
    mt.macro(conn, SMFIC_MAIL, "i", qid)
  else
    mt.macro(conn, SMFIC_MAIL, "i", qid, "{auth_authen}", "anna@example.net", "{auth_type}", "PLAIN")
  end
  step(mt.mailfrom(conn, "<anna@example.net>"), qid .. ": mail from")
  reply_is(conn, mail_reply, qid .. ": mail from")
  return conn
end

local function headers(subject)
  return {{"From", "Anna <anna@example.net>"}, {"To", "dave@example.org"},
          {"Subject", subject}, {"Date", "Wed, 02 Dec 2026 08:00:00 +0000"},
          {"Message-ID", "<" .. subject .. "@example.net>"}}
end

-- GTUBE from a sender who logged in, after "EHLO [192.168.1.20]" (what
-- mail clients on a home network say).
local conn = submit("SUB1", "[192.168.1.20]", submission and SMFIR_CONTINUE or SMFIR_REPLYCODE)
if submission then
  rcpt(conn, "<dave@example.org>")
  rcpt(conn, "<bob@example.net>")
  send(conn, headers("sub1"), GTUBE)
  reply_is(conn, SMFIR_CONTINUE, "SUB1: GTUBE from a sender who logged in")
  need(not mt.eom_check(conn, MT_HDRINSERT, "X-Spam-Score"), "SUB1: no X-Spam-Score on a submission")
  need(not mt.eom_check(conn, MT_HDRINSERT, "X-Spam-Status"), "SUB1: no X-Spam-Status on a submission")
end
close(conn)

-- The same GTUBE after a good HELO: a submission is delivered, inbound it
-- is spam like anyone's.
conn = submit("SUB2", "client.example", SMFIR_CONTINUE)
rcpt(conn, "<dave@example.org>")
send(conn, headers("sub2"), GTUBE)
if submission then
  reply_is(conn, SMFIR_CONTINUE, "SUB2: GTUBE from a sender who logged in")
else
  reply_is(conn, SMFIR_REPLYCODE, "SUB2 (inbound): GTUBE")
  need(mt.eom_check(conn, MT_SMTPREPLY, "550", "5.7.1", "message refused as spam"),
       "SUB2 (inbound): 550 5.7.1 refused as spam")
end
close(conn)

-- A forbidden attachment is refused on either path.
conn = submit("SUB3", "client.example", SMFIR_CONTINUE)
rcpt(conn, "<dave@example.org>")
local h = headers("sub3")
table.insert(h, {"MIME-Version", "1.0"})
table.insert(h, {"Content-Type", "multipart/mixed; boundary=\"b1\""})
send(conn, h, "--b1\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n" ..
              "--b1\r\nContent-Type: application/octet-stream\r\n" ..
              "Content-Disposition: attachment; filename=\"tool.exe\"\r\n" ..
              "Content-Transfer-Encoding: base64\r\n\r\nTVqQAAMAAAAEAAAA\r\n--b1--\r\n")
reply_is(conn, SMFIR_REPLYCODE, "SUB3: attachment")
need(mt.eom_check(conn, MT_SMTPREPLY, "554", "5.7.0",
                  "Message rejected: forbidden attachment type (.exe in tool.exe)"),
     "SUB3: 554 5.7.0 naming tool.exe")
close(conn)

-- Without a login, the bogus HELO still counts.
-- (The driver checks the refusals' texts in the log.)
conn = submit("SUB4", "[192.168.1.20]", SMFIR_REPLYCODE, true)
close(conn)
