-- Helpers for the miltertest scripts (tests/milter/run_miltertest.py runs
-- them with -D socket=... -D dir=...). Every step checks the reply it must
-- get; a wrong one is an error, and miltertest exits non-zero.

-- miltertest prints no Lua error: each failure is printed before it stops
-- the script.
function failed(msg)
  print("FAILED: " .. msg)
  error(msg, 3)
end

function need(ok, what)
  if not ok then failed(what) end
end

function step(rc, what)
  if rc ~= nil then failed(what .. ": " .. tostring(rc)) end
end

function reply_is(conn, want, what)
  local got = mt.getreply(conn)
  if got ~= want then
    failed(what .. ": reply " .. string.char(got) .. ", wanted " .. string.char(want))
  end
end

-- A connection and MAIL FROM; `qid` is the queue ID the milter logs.
-- opts.from: the envelope sender.
function open(qid, opts)
  opts = opts or {}
  local conn = mt.connect(socket, 40, 0.25)
  need(conn ~= nil, "connect to " .. socket)
  step(mt.conninfo(conn, "client.example", "192.0.2.10"), "conninfo")
  reply_is(conn, SMFIR_CONTINUE, "connect")
  step(mt.helo(conn, "client.example"), "helo")
  reply_is(conn, SMFIR_CONTINUE, "helo")
  mt.macro(conn, SMFIC_MAIL, "i", qid)
  step(mt.mailfrom(conn, opts.from or "<alice@example.org>"), "mail from")
  reply_is(conn, SMFIR_CONTINUE, "mail from")
  return conn
end

function rcpt(conn, address, want)
  step(mt.rcptto(conn, address), "rcpt " .. address)
  reply_is(conn, want or SMFIR_CONTINUE, "rcpt " .. address)
end

-- Header fields (a list of {name, value}), then the body; end-of-message.
-- `body_reply`: what the body chunk is answered with (default
-- SMFIR_CONTINUE; SMFIR_SKIP where the milter needs no body).
function send(conn, headers, body, body_reply)
  for _, h in ipairs(headers) do
    step(mt.header(conn, h[1], h[2]), "header " .. h[1])
    reply_is(conn, SMFIR_CONTINUE, "header " .. h[1])
  end
  step(mt.eoh(conn), "eoh")
  reply_is(conn, SMFIR_CONTINUE, "eoh")
  step(mt.bodystring(conn, body), "body")
  reply_is(conn, body_reply or SMFIR_CONTINUE, "body")
  step(mt.eom(conn), "eom")
end

-- What an ordinary, clean message has (the default policy scores a
-- message without Message-ID or Date).
function clean_headers(subject)
  return {{"From", "Alice <alice@example.org>"}, {"To", "bob@example.net"},
          {"Subject", subject or "lunch"}, {"Date", "Wed, 02 Dec 2026 08:00:00 +0000"},
          {"Message-ID", "<m1@example.org>"}}
end

-- An end-of-message that accepted a clean message with no change but the
-- default policy's score fields, inserted at the top (docs/POLICY.md:
-- "X-Spam-Score: 0", "X-Spam-Status: No, score=0 required=5 tests=none";
-- miltertest checks recipient changes only by address: `rcpts`; the
-- driver checks the log's edit count too).
function untouched(conn, what, rcpts)
  reply_is(conn, SMFIR_CONTINUE, what)
  for _, r in ipairs(rcpts) do
    need(not mt.eom_check(conn, MT_RCPTDELETE, r), what .. ": " .. r .. " not removed")
  end
  need(mt.eom_check(conn, MT_HDRINSERT, "X-Spam-Score", "0", 0), what .. ": X-Spam-Score: 0 inserted")
  need(mt.eom_check(conn, MT_HDRINSERT, "X-Spam-Status", "No, score=0 required=5 tests=none", 0),
       what .. ": X-Spam-Status: No ... inserted")
  need(not mt.eom_check(conn, MT_HDRADD), what .. ": no header added")
  need(not mt.eom_check(conn, MT_HDRDELETE), what .. ": no header removed")
  need(not mt.eom_check(conn, MT_BODYCHANGE), what .. ": body unchanged")
end

function close(conn)
  mt.disconnect(conn)
end
