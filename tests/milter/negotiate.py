#!/usr/bin/env python3
"""What sift-milter asks of the MTA, on the wire (xxfi_negotiate).

Usage: negotiate.py SIFT_MILTER

miltertest cannot show the protocol steps a milter asks for, so this
script speaks the milter protocol itself (4-byte length, command letter,
payload; the SMFIP_* and SMFIR_* values below are libmilter's mfdef.h,
written out by hand). It starts sift-milter in several configurations on
unix sockets in a temporary directory, each stopped by its PID, and for
each checks the protocol flags of the milter's SMFIC_OPTNEG answer, then
runs whole sessions and checks that exactly the steps that must be
answered are answered (a reply to an unanswered step, or none to an
answered one, fails), with the verdicts each policy gives:

  default   the bundled policy and users' scripts (tests/milter/scripts):
            the body is needed, connect and the headers go unanswered; a
            raw 8-bit header refused at end-of-headers;
  headers   a header-only policy (policies/headers), no --scripts,
            --accept-bogus-helo --accept-8bit-headers: no body; connect,
            HELO and the headers unanswered; a raw 8-bit header accepted;
            the policy's refusal by subject;
  declared  the same policy with --scripts and --user-scripts-need
            headers: no body; a user's script that reads the body is not
            used (logged), one that reads the header is;
  users     the same policy with --scripts and no declaration: the body
            is asked for (the users' scripts are unknown at connect);
  old MTA   the headers configuration with an MTA that offers no
            no-reply steps, NOBODY or SKIP: nothing of them is asked, and
            libmilter answers the steps itself;
  TCP       the headers configuration on inet:PORT@127.0.0.1: Sift's own
            loop ACKs each segment at once (TCP_QUICKACK), so the same
            no-reply steps as on a unix socket, and a whole session with
            them unanswered;
  TCP, libmilter  the same with --protocol libmilter: no no-reply step and
            DATA kept (Postfix sends a left-out DATA's macros all the
            same): over TCP anything unanswered stalls the MTA's next write
            on libmilter's delayed ACK (docs/PERFORMANCE.md "Through Postfix").
"""
import json
import os
import socket
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run_miltertest as mt  # noqa: E402

# libmilter's mfdef.h (SMFIP_*: protocol flags).
NOBODY, NR_HDR, NOUNKNOWN, NODATA, SKIP = 0x10, 0x80, 0x100, 0x200, 0x400
NR_CONN, NR_HELO, NR_MAIL, NR_RCPT, NR_DATA, NR_UNKN, NR_EOH, NR_BODY = (
    0x1000, 0x2000, 0x4000, 0x8000, 0x10000, 0x20000, 0x40000, 0x80000)
ALL_STEPS = 0x1FFFFF  # everything a Postfix 3.7 or Sendmail 8.17 can offer
ACTIONS = 0x1FF  # SMFIF_ADDHDRS ... SMFIF_SETSYMLIST
FINAL = set(b"acrtyd")  # SMFIR_ACCEPT CONTINUE REJECT TEMPFAIL REPLYCODE DISCARD


def frame(cmd, payload=b""):
    return struct.pack(">I", len(payload) + 1) + cmd.encode() + payload


def z(*parts):
    return b"".join((p.encode() if isinstance(p, str) else p) + b"\0" for p in parts)


class Session:
    def __init__(self, path, offered=ALL_STEPS):
        # path: a unix socket's, or ("127.0.0.1", port)
        self.s = socket.socket(socket.AF_INET if isinstance(path, tuple) else socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.settimeout(10)
        self.s.connect(path)
        self.s.sendall(frame("O", struct.pack(">III", 6, ACTIONS, offered)))
        cmd, payload = self.read()
        if cmd != "O":
            raise SystemExit(f"negotiation answered {cmd!r}")
        self.version, self.actions, self.steps = struct.unpack(">III", payload[:12])

    def read(self):
        head = b""
        while len(head) < 4:
            chunk = self.s.recv(4 - len(head))
            if not chunk:
                raise EOFError("the milter closed the connection")
            head += chunk
        (n,) = struct.unpack(">I", head)
        data = b""
        while len(data) < n:
            chunk = self.s.recv(n - len(data))
            if not chunk:
                raise EOFError("the milter closed the connection")
            data += chunk
        return chr(data[0]), data[1:]

    def step(self, cmd, payload, answered):
        """Sends one step; returns its reply, or None for an unanswered one."""
        self.s.sendall(frame(cmd, payload))
        return self.read() if answered else None

    def eom(self):
        self.s.sendall(frame("E"))
        edits = []
        self.last_payloads = {}
        while True:
            cmd, payload = self.read()
            if ord(cmd) in FINAL:
                self.last_edits = edits
                return cmd, payload, edits
            edits.append(cmd)
            self.last_payloads.setdefault(cmd, b"")
            self.last_payloads[cmd] += payload

    def nothing_more(self):
        """No reply is left unread (one to an unanswered step, say)."""
        self.s.settimeout(0.3)
        try:
            data = self.s.recv(100)
            return not data
        except socket.timeout:
            return True
        finally:
            self.s.settimeout(10)

    def close(self):
        self.s.sendall(frame("Q"))
        self.s.close()


def start(binary, tmp, name, *args, port=None):
    path = ("127.0.0.1", port) if port else os.path.join(tmp, name + ".sock")
    listen = f"inet:{port}@127.0.0.1" if port else "unix:" + path
    log_path = os.path.join(tmp, name + ".log")
    log = open(log_path, "w")
    proc = subprocess.Popen([binary, "--listen", listen, *args], stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 20
    while "listening on" not in open(log_path).read():
        if proc.poll() is not None or time.time() > deadline:
            proc.kill()
            raise SystemExit(f"sift-milter ({name}) did not start:\n" + open(log_path).read())
        time.sleep(0.05)
    return {"name": name, "proc": proc, "path": path, "log": log, "log_path": log_path}


def stop_all(milters):
    for m in milters:
        if m["proc"].poll() is None:
            m["proc"].terminate()
    for m in milters:
        try:
            m["proc"].wait(timeout=20)
        except subprocess.TimeoutExpired:
            mt.fail(f"{m['name']}: did not stop within 20 s of SIGTERM; killed")
            m["proc"].kill()
            m["proc"].wait()
        m["log"].close()


def flags(v):
    names = {NOBODY: "NOBODY", NR_HDR: "NR_HDR", NOUNKNOWN: "NOUNKNOWN", NODATA: "NODATA", SKIP: "SKIP",
             NR_CONN: "NR_CONN", NR_HELO: "NR_HELO", NR_MAIL: "NR_MAIL", NR_RCPT: "NR_RCPT",
             NR_DATA: "NR_DATA", NR_UNKN: "NR_UNKN", NR_EOH: "NR_EOH", NR_BODY: "NR_BODY"}
    return "|".join(n for b, n in sorted(names.items()) if v & b) or "0"


def expect_steps(label, got, want):
    if got != want:
        mt.fail(f"{label}: the milter asked for {flags(got)} (0x{got:x}), wanted {flags(want)} (0x{want:x})")
    else:
        print(f"ok   {label}: {flags(got)}", flush=True)


def message(sess, qid, rcpts, headers, body=None, helo="mx.client.example"):
    """One transaction; returns (stage, reply, payload, edits): EOM's final
    reply and edits, or the reply of the step that ended it early, and
    where ("helo", "mail", "rcpt", "eoh", "body", "eom"). `rcpt_replies`
    is left with each RCPT's reply, `body_reply` with the body chunk's."""
    st = sess.steps
    sess.step("C", z("client.example") + b"4" + struct.pack(">H", 25) + z("192.0.2.10"), not st & NR_CONN)
    r = sess.step("H", z(helo), not st & NR_HELO)
    if r and r[0] != "c":
        return "helo", r[0], r[1], []
    r = sess.step("M", z("<alice@example.org>"), True)
    if r[0] != "c":
        return "mail", r[0], r[1], []
    sess.rcpt_replies = []
    for rcpt in rcpts:
        sess.s.sendall(frame("D", b"R" + z("i", qid)))
        sess.rcpt_replies.append(sess.step("R", z("<" + rcpt + ">"), True))
    if all(r[0] != "c" for r in sess.rcpt_replies):
        return "rcpt", sess.rcpt_replies[-1][0], sess.rcpt_replies[-1][1], []
    for name, value in headers:
        sess.step("L", z(name, value), not st & NR_HDR)
    r = sess.step("N", b"", not st & NR_EOH)
    if r and r[0] != "c":
        return "eoh", r[0], r[1], []
    sess.body_reply = None
    if not st & NOBODY:
        sess.body_reply = sess.step("B", body if body is not None else b"Hello.\r\n", not st & NR_BODY)
        if sess.body_reply and sess.body_reply[0] not in "cs":
            return "body", sess.body_reply[0], sess.body_reply[1], []
    return ("eom",) + sess.eom()


CLEAN = [("From", "alice@example.org"), ("To", "bob@example.net"), ("Subject", "lunch"),
         ("Message-ID", "<1@example.org>"), ("Date", "Wed, 2 Dec 2026 10:00:00 +0000")]


def subject(s):
    return [h if h[0] != "Subject" else ("Subject", s) for h in CLEAN]


def check(label, got, want_final, want_text=None, want_stage="eom"):
    stage, cmd, payload, _ = got
    if cmd != want_final or stage != want_stage or (want_text and want_text.encode() not in bytes(payload)):
        mt.fail(f"{label}: answered {cmd!r} {bytes(payload)[:200]!r} at {stage}, wanted {want_final!r} "
                f"{want_text or ''} at {want_stage}")
    else:
        print(f"ok   {label}: {cmd!r} at {stage}", flush=True)


def long_reason(policy_dir):
    """The long refusal's reason as the policy file writes it."""
    text = open(os.path.join(policy_dir, "before.sieve")).read()
    start = text.index('reject "This message')
    return text[start + len('reject "'):text.index('"', start + len('reject "'))]


def check_multiline(label, payload, code, enhanced, reason):
    text = payload.rstrip(b"\0").decode()
    lines = text.split("\r\n")
    bad = []
    if len(lines) < 2:
        bad.append(f"{len(lines)} line(s)")
    words = []
    for i, line in enumerate(lines):
        sep = " " if i == len(lines) - 1 else "-"
        if not line.startswith(code + sep + enhanced + " "):
            bad.append(f"line {i + 1} starts {line[:12]!r}")
        if len(line) + 2 > 512:
            bad.append(f"line {i + 1} is {len(line) + 2} bytes with CRLF")
        words += line[len(code) + 1 + len(enhanced) + 1:].split(" ")
    if " ".join(words) != reason:
        bad.append("the lines' words are not the reason's")
    if bad:
        mt.fail(f"{label}: {'; '.join(bad)}:\n{text}")
    else:
        print(f"ok   {label}: {len(lines)} lines", flush=True)


def main():
    binary = sys.argv[1]
    headers_policy = os.path.join(HERE, "policies", "headers")
    with tempfile.TemporaryDirectory(prefix="sift-negotiate-") as tmp:
        users = os.path.join(tmp, "users", "example.net")
        os.makedirs(users)
        with open(os.path.join(users, "bodyreader.sieve"), "w") as f:
            f.write('require "body";\nif body :contains "x" { discard; }\n')
        with open(os.path.join(users, "hdr.sieve"), "w") as f:
            f.write('if header :contains "subject" "drop me" { discard; }\n')
        scripts = os.path.join(tmp, "users")
        milters = []
        try:
            milters.append(start(binary, tmp, "default", "--policy", "default", "--scripts", mt.SCRIPTS,
                                 "--max-size", "50000"))
            milters.append(start(binary, tmp, "headers", "--policy", headers_policy, "--accept-bogus-helo",
                                 "--accept-8bit-headers", "--quarantine-folder", "Quarantine"))
            milters.append(start(binary, tmp, "declared", "--policy", headers_policy, "--scripts", scripts,
                                 "--user-scripts-need", "headers"))
            milters.append(start(binary, tmp, "users", "--policy", headers_policy, "--scripts", scripts))
            milters.append(start(binary, tmp, "score", "--policy", "default", "--scripts", mt.SCRIPTS,
                                 "--8bit-headers", "score"))
            milters.append(start(binary, tmp, "envelope", "--policy", os.path.join(HERE, "policies", "envelope")))
            milters.append(start(binary, tmp, "tcp", "--policy", headers_policy, "--accept-bogus-helo",
                                 "--accept-8bit-headers", port=mt.free_port()))
            milters.append(start(binary, tmp, "inbound", "--policy", headers_policy, "--authenticated", "inbound"))
            milters.append(start(binary, tmp, "tcp-libmilter", "--policy", headers_policy, "--accept-bogus-helo",
                                 "--accept-8bit-headers", "--protocol", "libmilter", port=mt.free_port()))
            d, h, decl, u, sc, env, tcp, inbound, tcp_lm = (m["path"] for m in milters)

            # --8bit-headers score: the header goes unanswered, and the
            # default policy scores the field instead of a refusal.
            s = Session(sc)
            expect_steps("score", s.steps, NODATA | NOUNKNOWN | NR_CONN | NR_HELO | NR_HDR | NR_EOH | NR_BODY | SKIP)
            check("score: a raw 8-bit Subject accepted",
                  message(s, "SCORE1", ["bob@example.net"], subject("Gr\xfc\xdfe")), "c")
            status = s.last_payloads.get("i", b"")
            if b"X-Spam-Status" not in status or b"HEADER_8BIT_NO_SMTPUTF8" not in status:
                mt.fail(f"score: the score fields {status!r} do not name HEADER_8BIT_NO_SMTPUTF8")
            check("score: a clean message", message(s, "SCORE2", ["bob@example.net"], CLEAN), "c")
            if b"HEADER_8BIT" in s.last_payloads.get("i", b"") or b"tests=none" not in s.last_payloads.get("i", b""):
                mt.fail(f"score: the clean message's score fields {s.last_payloads.get('i')!r}")
            if not s.nothing_more():
                mt.fail("score: a reply to an unanswered step")
            s.close()

            s = Session(d)
            # The default policy reads the body: nothing is decided before
            # end-of-message, so end-of-headers and the body go unanswered
            # and their refusals come at end-of-message.
            expect_steps("default", s.steps, NODATA | NOUNKNOWN | NR_CONN | NR_HELO | NR_HDR | NR_EOH | NR_BODY | SKIP)
            check("default: clean", message(s, "DEF1", ["bob@example.net"], CLEAN), "c")
            check("default: GTUBE in the body", message(
                s, "DEF2", ["bob@example.net"], CLEAN,
                b"XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X\r\n"), "y", "550")
            check("default: a raw 8-bit header refused at end-of-message",
                  message(s, "DEF3", ["bob@example.net"], CLEAN + [("X-Name", "J\xfcrgen")]), "y",
                  "550 5.6.7", "eom")
            check("default: a body above --max-size refused at end-of-message",
                  message(s, "DEF6", ["bob@example.net"], CLEAN, (b"y" * 999 + b"\n") * 60),
                  "y", "552 5.3.4", "eom")
            check("default: clean after it", message(s, "DEF7", ["bob@example.net"], CLEAN), "c")
            if not s.nothing_more():
                mt.fail("default: a reply to an unanswered step")
            s.close()

            s = Session(h)
            expect_steps("headers", s.steps, NODATA | NOUNKNOWN | NOBODY | NR_CONN | NR_HELO | NR_HDR | SKIP)
            check("headers: clean, no body sent", message(s, "HDR1", ["bob@example.net"], CLEAN, helo="client"),
                  "c")
            check("headers: a raw 8-bit header accepted",
                  message(s, "HDR2", ["bob@example.net"], CLEAN + [("X-Name", "J\xfcrgen")]), "c")
            check("headers: refused by subject at end-of-headers",
                  message(s, "HDR3", ["bob@example.net"], subject("refuse me")), "y",
                  "550 5.7.1 The header-only policy refuses this subject", "eoh")
            # A reason longer than a reply line: several lines, split
            # between words, each at most 512 bytes with its CRLF, the same
            # code on every one (RFC 5321 §4.5.3.1.5).
            got = message(s, "HDR4", ["bob@example.net"], subject("long refusal"))
            check("headers: a long reason", got, "y", None, "eoh")
            check_multiline("headers: a long reason", bytes(got[2]), "550", "5.7.1", long_reason(headers_policy))
            # A folder that is the hold queue: smfi_quarantine, the
            # recipient left as it came.
            got = message(s, "HDR5", ["bob@example.net"], subject("hold me"))
            check("headers: quarantined", got, "c")
            if s.last_edits != ["q"] or b"filed it into Quarantine" not in s.last_payloads.get("q", b""):
                mt.fail(f"headers: HDR5's edits {s.last_edits} {s.last_payloads}, wanted one SMFIR_QUARANTINE "
                        "with the reason")
            if not s.nothing_more():
                mt.fail("headers: a reply to an unanswered step")
            s.close()

            # An MTA that offers no no-reply steps, no NOBODY and no SKIP:
            # libmilter answers connect, HELO and the headers itself.
            s = Session(h, offered=0x0F)
            expect_steps("headers, old MTA", s.steps, 0)
            check("headers, old MTA: clean, body sent", message(s, "OLD1", ["bob@example.net"], CLEAN), "c")
            if not s.nothing_more():
                mt.fail("headers, old MTA: a reply left unread")
            s.close()

            s = Session(tcp)
            expect_steps("TCP", s.steps, NODATA | NOUNKNOWN | NOBODY | NR_CONN | NR_HELO | NR_HDR | SKIP)
            check("TCP: clean, the no-reply steps unanswered",
                  message(s, "TCP1", ["bob@example.net"], CLEAN, helo="client"), "c")
            if not s.nothing_more():
                mt.fail("TCP: a reply to an unanswered step")
            s.close()

            # HELO answered only where it refuses at HELO: with
            # --authenticated inbound. With submission (the default, the
            # milters above) a bogus HELO waits for MAIL FROM.
            s = Session(inbound)
            expect_steps("inbound", s.steps, NODATA | NOUNKNOWN | NOBODY | NR_CONN | NR_HDR | SKIP)
            check("inbound: a bogus HELO refused at HELO", message(s, "INB1", ["bob@example.net"], CLEAN,
                                                                   helo="localhost"), "y", "550 5.7.1", "helo")
            s.close()
            s = Session(d)
            check("default: a bogus HELO refused at MAIL FROM", message(s, "DEF4", ["bob@example.net"], CLEAN,
                                                                        helo="localhost"), "y", "550 5.7.1", "mail")
            if not s.nothing_more():
                mt.fail("default: a reply to the unanswered HELO")
            s.close()

            s = Session(tcp_lm)
            expect_steps("TCP, libmilter", s.steps, NOUNKNOWN | NOBODY | SKIP)
            check("TCP, libmilter: clean, every step answered",
                  message(s, "TCP2", ["bob@example.net"], CLEAN, helo="client"), "c")
            if not s.nothing_more():
                mt.fail("TCP, libmilter: a reply left unread")
            s.close()

            s = Session(decl)
            expect_steps("declared", s.steps, NODATA | NOUNKNOWN | NOBODY | NR_CONN | NR_HELO | NR_HDR | SKIP)
            check("declared: the body reader's script not used",
                  message(s, "DECL1", ["bodyreader@example.net"], CLEAN), "c")
            check("declared: the header reader's script used, at end-of-headers",
                  message(s, "DECL2", ["hdr@example.net"], subject("drop me")), "d", None, "eoh")
            s.close()

            s = Session(u)
            expect_steps("users", s.steps, NODATA | NOUNKNOWN | NR_CONN | NR_HELO | NR_HDR | SKIP)
            check("users: the body reader's script used", message(s, "USR1", ["bodyreader@example.net"], CLEAN,
                                                                  b"x marks the spot\r\n"), "d")
            # Header-only scripts for every recipient: decided at the end of
            # the header although the body was negotiated; an accept then
            # skips the body (SMFIR_SKIP) and edits at end-of-message.
            check("users: header-only scripts refuse at end-of-headers",
                  message(s, "USR2", ["hdr@example.net"], subject("refuse me")), "y",
                  "The header-only policy refuses this subject", "eoh")
            check("users: header-only scripts accept, the body skipped",
                  message(s, "USR3", ["hdr@example.net"], CLEAN, b"x\r\n"), "c")
            if s.body_reply is None or s.body_reply[0] != "s":
                mt.fail(f"users: the body chunk after a verdict at end-of-headers answered {s.body_reply}, "
                        "wanted SMFIR_SKIP")
            # The body reader among them: nothing before end-of-message.
            check("users: a body reader among them: decided at end-of-message",
                  message(s, "USR4", ["hdr@example.net", "bodyreader@example.net"], subject("drop me"),
                          b"hello\r\n"), "c")
            if s.last_edits != ["-"]:
                mt.fail(f"users: USR4's edits {s.last_edits}, wanted the discarding recipient deleted")
            if s.body_reply is None or s.body_reply[0] != "c":
                mt.fail(f"users: the body chunk answered {s.body_reply}, wanted SMFIR_CONTINUE")
            s.close()

            # An envelope-only policy decides at RCPT, for that recipient.
            s = Session(env)
            check("envelope: one recipient refused at RCPT, the other delivered",
                  message(s, "ENV1", ["bob@example.net", "nobody@example.net", "carol@example.net"], CLEAN), "c")
            got = [r[0] for r in s.rcpt_replies]
            if got != ["c", "y", "c"] or b"550 5.7.1 No such user here" not in s.rcpt_replies[1][1]:
                mt.fail(f"envelope: RCPT replies {s.rcpt_replies}, wanted continue, 550 No such user here, "
                        "continue")
            s.close()
        finally:
            stop_all(milters)
        logs = {m["name"]: open(m["log_path"]).read() for m in milters}
        want = "bodyreader.sieve: reads the body, but --user-scripts-need is headers"
        if want not in logs["declared"]:
            mt.fail(f"declared: the log does not say {want!r}:\n{logs['declared']}")
        # Where each recipient was decided (the log's stage), by hand.
        stages = {}
        for log in logs.values():
            for line in log.splitlines():
                if line.startswith("{"):
                    e = json.loads(line)
                    for r in e.get("recipients", []):
                        stages[(e["queue_id"], r["to"])] = r.get("stage")
        want_stages = {("DEF1", "bob@example.net"): "eom", ("HDR1", "bob@example.net"): "eoh",
                       ("HDR3", "bob@example.net"): "eoh", ("USR1", "bodyreader@example.net"): "eom",
                       ("USR3", "hdr@example.net"): "eoh", ("USR4", "hdr@example.net"): "eoh",
                       ("USR4", "bodyreader@example.net"): "eom", ("ENV1", "bob@example.net"): "rcpt",
                       ("ENV1", "carol@example.net"): "rcpt"}
        for k, want_stage in want_stages.items():
            if stages.get(k) != want_stage:
                mt.fail(f"{k[0]} {k[1]}: decided at {stages.get(k)}, wanted {want_stage}")
        if ("ENV1", "nobody@example.net") in stages:
            mt.fail("ENV1: the recipient refused at RCPT is in the message's log line")
        if "No such user here" not in logs["envelope"]:
            mt.fail("envelope: the RCPT refusal is not in the log")
        for name, log in logs.items():
            for line in log.splitlines():
                if line.startswith("{") and "error" in json.loads(line):
                    mt.fail(f"{name}: a failure in the log: {line}")
    if mt.failures:
        print(f"{len(mt.failures)} failure(s)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
