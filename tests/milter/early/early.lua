-- The checks before the content (milter/checks.hpp), each at its stage;
-- tests/milter/early.py starts sift-milter with --max-size 100000
-- --max-recipients 3 --banned-helo mx.sift.test and a store whose block
-- list for bob@example.net holds spammer@bad.example, then checks the log
-- line of every refusal (stage, reply text).
dofile(dir .. "/common.lua")

local function connect(helo, helo_reply)
  local conn = mt.connect(socket, 40, 0.25)
  need(conn ~= nil, "connect to " .. socket)
  step(mt.conninfo(conn, "client.example", "192.0.2.10"), "conninfo")
  reply_is(conn, SMFIR_CONTINUE, "connect")
  step(mt.helo(conn, helo), "helo " .. helo)
  reply_is(conn, helo_reply or SMFIR_CONTINUE, "helo " .. helo)
  return conn
end

local function mail(conn, qid, from, want, ...)
  mt.macro(conn, SMFIC_MAIL, "i", qid)
  step(mt.mailfrom(conn, from, ...), "mail from " .. from)
  reply_is(conn, want or SMFIR_CONTINUE, qid .. ": mail from " .. from)
end

-- Bogus HELO names: the MAIL FROM after one is refused (without a login:
-- --authenticated submission, the default, checks the HELO there).
for i, name in ipairs({"localhost", "[192.0.2.1]", "192.0.2.1", "client", "mx.sift.test"}) do
  local conn = connect(name)
  mail(conn, "HELO" .. i, "<alice@example.org>", SMFIR_REPLYCODE)
  close(conn)
end

-- A declared size above the limit: refused at MAIL FROM.
local conn = connect("client.example")
mail(conn, "SIZE1", "<alice@example.org>", SMFIR_REPLYCODE, "SIZE=300000", "BODY=8BITMIME")
close(conn)

-- Postfix gives the queue ID (`i`) only from the first accepted RCPT on:
-- a second transaction on the connection that is refused at MAIL has none
-- of its own, and is logged as NOQUEUE, not under the first one's ID.
conn = connect("client.example")
step(mt.mailfrom(conn, "<alice@example.org>"), "mail from (no queue ID yet)")
reply_is(conn, SMFIR_CONTINUE, "PF1: mail from")
mt.macro(conn, SMFIC_RCPT, "i", "PF1")
rcpt(conn, "<carol@example.net>")
send(conn, clean_headers(), "hello\r\n")
reply_is(conn, SMFIR_CONTINUE, "PF1: accepted")
step(mt.mailfrom(conn, "<alice@example.org>", "SIZE=300000"), "second mail from")
reply_is(conn, SMFIR_REPLYCODE, "the second transaction: declared size above the limit")
close(conn)

-- The 4th recipient with --max-recipients 3: deferred, the first three stay.
conn = connect("client.example")
mail(conn, "RCPT1", "<alice@example.org>", SMFIR_CONTINUE, "SIZE=2000")
for _, r in ipairs({"<a@example.net>", "<b@example.net>", "<c@example.net>"}) do rcpt(conn, r) end
rcpt(conn, "<d@example.net>", SMFIR_REPLYCODE)
send(conn, clean_headers(), "hello\r\n")
reply_is(conn, SMFIR_CONTINUE, "RCPT1: the three accepted")
close(conn)

-- A sender on bob's block list: bob's RCPT refused, carol's goes on.
conn = connect("client.example")
mail(conn, "BLOCK1", "<spammer@bad.example>")
rcpt(conn, "<bob@example.net>", SMFIR_REPLYCODE)
rcpt(conn, "<carol@example.net>")
send(conn, clean_headers(), "hello\r\n")
reply_is(conn, SMFIR_CONTINUE, "BLOCK1: carol's copy accepted")
close(conn)

-- dave blocks the same sender but wants blocked mail in Spam (his
-- setting blocked = spam): his RCPT is accepted, and the policy files the
-- message into the configuration's spam folder ("Junk", --config).
conn = connect("client.example")
mail(conn, "BLOCK2", "<spammer@bad.example>")
rcpt(conn, "<dave@example.net>")
send(conn, clean_headers(), "hello\r\n")
reply_is(conn, SMFIR_CONTINUE, "BLOCK2: accepted for the policy to file")
need(mt.eom_check(conn, MT_RCPTDELETE, "<dave@example.net>"), "BLOCK2: dave's INBOX copy removed")
close(conn)

-- erin's spam threshold is 3 (the others' 5): the policy would write
-- other score fields for her, and a message has one header, so her RCPT
-- beside carol's is deferred (452) for a transaction of her own ...
conn = connect("client.example")
mail(conn, "THR1", "<alice@example.org>")
rcpt(conn, "<carol@example.net>")
rcpt(conn, "<erin@example.net>", SMFIR_REPLYCODE)
send(conn, clean_headers(), "hello\r\n")
reply_is(conn, SMFIR_CONTINUE, "THR1: carol's copy accepted")
close(conn)
-- ... while gina, also at 3, shares erin's.
conn = connect("client.example")
mail(conn, "THR2", "<alice@example.org>")
rcpt(conn, "<erin@example.net>")
rcpt(conn, "<gina@example.net>")
send(conn, clean_headers(), "hello\r\n")
reply_is(conn, SMFIR_CONTINUE, "THR2: erin's and gina's copies accepted")
close(conn)

-- Raw 8-bit bytes in a header: refused without SMTPUTF8 ... at
-- end-of-message: the headers go unanswered (SMFIP_NR_HDR; miltertest
-- answers them CONTINUE itself), and so do end-of-headers and the body
-- (SMFIP_NR_EOH, SMFIP_NR_BODY: the default policy reads the body, so
-- nothing is decided before the end).
conn = connect("client.example")
mail(conn, "UTF1", "<alice@example.org>")
rcpt(conn, "<carol@example.net>")
step(mt.header(conn, "From", "Alice <alice@example.org>"), "header From")
reply_is(conn, SMFIR_CONTINUE, "UTF1: From")
step(mt.header(conn, "Subject", "Gr\195\188\195\159e"), "header Subject")
reply_is(conn, SMFIR_CONTINUE, "UTF1: an 8-bit Subject, unanswered")
step(mt.header(conn, "To", "carol@example.net"), "header To")
reply_is(conn, SMFIR_CONTINUE, "UTF1: To")
step(mt.eoh(conn), "eoh")
reply_is(conn, SMFIR_CONTINUE, "UTF1: eoh, unanswered")
step(mt.bodystring(conn, "hello\r\n"), "body")
reply_is(conn, SMFIR_CONTINUE, "UTF1: body, unanswered")
step(mt.eom(conn), "eom")
reply_is(conn, SMFIR_REPLYCODE, "UTF1: an 8-bit Subject without SMTPUTF8")
close(conn)
-- ... and let through with it.
conn = connect("client.example")
mail(conn, "UTF2", "<alice@example.org>", SMFIR_CONTINUE, "SMTPUTF8")
rcpt(conn, "<carol@example.net>")
local h = clean_headers("Gr\195\188\195\159e")
send(conn, h, "hello\r\n")
reply_is(conn, SMFIR_CONTINUE, "UTF2: accepted with SMTPUTF8")
close(conn)

-- A body that passes the limit: refused at end-of-message (the chunks
-- are unanswered; from the one that passes it on, none is kept).
conn = connect("client.example")
mail(conn, "BIG1", "<alice@example.org>")
rcpt(conn, "<carol@example.net>")
for _, hd in ipairs(clean_headers()) do
  step(mt.header(conn, hd[1], hd[2]), "header")
  reply_is(conn, SMFIR_CONTINUE, "BIG1: header")
end
step(mt.eoh(conn), "eoh")
reply_is(conn, SMFIR_CONTINUE, "BIG1: eoh")
local chunk = string.rep("x", 999) .. "\n"
step(mt.bodystring(conn, string.rep(chunk, 60)), "body 1")
reply_is(conn, SMFIR_CONTINUE, "BIG1: 60 KB")
step(mt.bodystring(conn, string.rep(chunk, 60)), "body 2")
reply_is(conn, SMFIR_CONTINUE, "BIG1: 120 KB, unanswered")
step(mt.eom(conn), "eom")
reply_is(conn, SMFIR_REPLYCODE, "BIG1: 120 KB, above 100000")
close(conn)
