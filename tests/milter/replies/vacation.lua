-- Vacation through the outbox (tests/milter/replies.py): two messages from
-- alice to away@example.net (one reply is due, RFC 5230 :days), one bulk
-- message from carol (none: RFC 3834 §2). Every message is accepted
-- unchanged; the replies are the driver's to count at its relay.
dofile(dir .. "/common.lua")
local function away_headers(from, id, extra)
  local h = {{"From", from}, {"To", "away@example.net"}, {"Subject", "question"},
             {"Date", "Wed, 02 Dec 2026 08:00:00 +0000"}, {"Message-ID", id}}
  if extra then table.insert(h, extra) end
  return h
end
for i, qid in ipairs({"VAC1", "VAC2"}) do
  local conn = open(qid)
  rcpt(conn, "<away@example.net>")
  send(conn, away_headers("Alice <alice@example.org>", "<v" .. i .. "@example.org>"), "are you there?\r\n")
  reply_is(conn, SMFIR_CONTINUE, qid)
  close(conn)
end
local conn = open("VAC3", {from = "<carol@example.org>"})
rcpt(conn, "<away@example.net>")
send(conn, away_headers("Carol <carol@example.org>", "<v3@example.org>", {"Precedence", "bulk"}), "news\r\n")
reply_is(conn, SMFIR_CONTINUE, "VAC3")
close(conn)
