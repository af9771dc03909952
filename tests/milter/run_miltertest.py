#!/usr/bin/env python3
"""miltertest (Debian's `miltertest`) against sift-milter, on loopback only.

Usage: run_miltertest.py SIFT_MILTER

Starts sift-milter several times, each stopped by its PID afterwards:
  1. on a unix socket in a temporary directory, with the default policy
     and tests/milter/scripts as the users' scripts: every lua/*.lua but
     those of SEPARATE (and again through --protocol libmilter);
  2. with a state store that is down (Redis on a port nothing listens on):
     lua/store_down.lua;
  3. with --srs-domain fwd.example: lua/srs_reverse.lua, given SRS
     addresses this script writes (bounces reversed, forged and expired
     ones refused at RCPT);
  4. lua/submission.lua (SMTP AUTH's {auth_authen}) against the default
     --authenticated submission and against --authenticated inbound;
  5. on inet:PORT@127.0.0.1 (a free port): lua/accept_clean.lua.
Each Lua script checks the replies and end-of-message actions itself
(miltertest exits non-zero on the first wrong one). This script then checks
the milter's log: one JSON line per message with the queue ID, the
milter's answer and each recipient's verdict, as EXPECTED says, and the
broken user script's error with file:line:column.
"""
import base64
import hashlib
import hmac
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
LUA = os.path.join(HERE, "lua")
SCRIPTS = os.path.join(HERE, "scripts")

# queue ID -> (the milter's answer, {recipient: verdict}); written by hand
# from what each Lua script sends.
EXPECTED = {
    "CLEAN1": ("accept", {"bob@example.net": "deliver"}),
    "GTUBE1": ("refuse", {"bob@example.net": "refuse", "carol@example.net": "refuse"}),
    "ATTACH1": ("refuse", {"bob@example.net": "refuse"}),
    "SPAM1": ("accept", {"bob@example.net": "deliver"}),
    "FILE1": ("accept", {"filer@example.net": "deliver", "Junk+old@Example.NET": "deliver",
                         "bob@example.net": "deliver"}),
    "REDIR1": ("accept", {"fwd@example.net": "deliver", "copy@example.net": "deliver"}),
    "DISC1": ("discard", {"drop@example.net": "discard"}),
    "DISC2": ("accept", {"drop@example.net": "discard", "bob@example.net": "deliver"}),
    "USER1": ("accept", {"bob@example.net": "deliver"}),
    "USER2": ("refuse", {"refuser@example.net": "refuse"}),
    "USER3": ("accept", {"refuser@example.net": "deliver"}),
    "HDR1": ("accept", {"tagger@example.net": "deliver"}),
    "BROKEN1": ("accept", {"broken@example.net": "deliver"}),
    "REPL1": ("accept", {"replacer@example.net": "deliver"}),
    # ABORT1 was aborted: no log line, and filer is not among ABORT2's.
    "ABORT2": ("accept", {"bob@example.net": "deliver"}),
}
# The RCPT-stage block-list lookup fails: the recipient is deferred, the
# log line has the error and no recipient (DOWN1); without it the policy's
# recipient's settings cannot be read at end-of-message (DOWN2): tempfail,
# the log line with the error.
EXPECTED_DOWN = {"DOWN1": ("tempfail", {})}
EXPECTED_DOWN_EOM = {"DOWN2": ("tempfail", {})}
EXPECTED_TCP = {"CLEAN1": ("accept", {"bob@example.net": "deliver"})}
# Messages that must pass with no change but the default policy's two
# score fields, X-Spam-Score and X-Spam-Status (the log's edit count).
UNTOUCHED = {"CLEAN1", "USER1", "USER3", "BROKEN1", "ABORT2", "MIXED1"}
# Where each recipient's copy goes (the log's delivered_to), by hand too.
DELIVERED = {
    ("SPAM1", "bob@example.net"): ["bob+Spam@example.net"],
    ("FILE1", "filer@example.net"): ["filer+Work=20Stuff@example.net"],
    ("FILE1", "Junk+old@Example.NET"): ["Junk+Junk@Example.NET"],
    ("FILE1", "bob@example.net"): ["bob@example.net"],
    ("REDIR1", "fwd@example.net"): ["elsewhere@example.org"],
    ("REDIR1", "copy@example.net"): ["archive@example.org", "copy@example.net"],
}
# broken.sieve line 3 lacks the ';' after fileinto "Oops" (columns 3-17):
# expected at column 18.
BROKEN_ERROR = "example.net/broken.sieve:3:18: error"

# The SRS instance (--srs-domain fwd.example): lua/srs_reverse.lua. No
# script runs for a bounce to an SRS address (no recipients in the log,
# the SRS addresses and their originals under srs_reversed); a forged or
# expired one is refused at RCPT with the reason.
EXPECTED_SRS = {
    "BOUNCE1": ("accept", {}),
    "BOUNCE2": ("accept", {}),
    "MIXED1": ("accept", {"bob@example.net": "deliver"}),
    "FORGED1": ("refuse", {}),
    "EXPIRED1": ("refuse", {}),
}
SRS_SECRET = "miltertest-srs-secret"
HOP1_SECRET = "another-forwarders-secret"

failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg, flush=True)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Milter:
    def __init__(self, binary, listen, tmp, name, *extra):
        self.log_path = os.path.join(tmp, name + ".log")
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [binary, "--listen", listen, "--policy", "default", "--scripts", SCRIPTS, *extra],
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 20
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit("sift-milter exited at once:\n" + open(self.log_path).read())
            if "listening on" in open(self.log_path).read():
                return
            time.sleep(0.05)
        self.stop()
        raise SystemExit("sift-milter did not start listening:\n" + open(self.log_path).read())

    def stop(self):
        # libmilter takes about 5 s to stop after SIGTERM (MILTER-NOTES.md).
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                fail("sift-milter did not stop within 20 s of SIGTERM; killed")
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        return open(self.log_path).read()


def run_lua(name, socket_spec, *defines):
    cmd = ["miltertest", "-D", "socket=" + socket_spec, "-D", "dir=" + LUA, *defines, "-s", os.path.join(LUA, name)]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        fail(f"{name}: miltertest exited {r.returncode}\n{r.stdout}{r.stderr}")
    else:
        print(f"ok   {name}", flush=True)


# SRS addresses as libsrs2/postsrsd write them, by this test's own code
# (Python's hmac), not sift's: HHHH is base64(HMAC-SHA1(secret,
# lower(fields))) cut to 4, TT the day number mod 1024 in base32.
B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def srs_hash(secret, *fields):
    mac = hmac.new(secret.encode(), "".join(fields).lower().encode(), hashlib.sha1).digest()
    return base64.b64encode(mac).decode()[:4]


def srs0(secret, address, forwarder, now):
    local, domain = address.rsplit("@", 1)
    slot = int(now) // 86400 % 1024
    tt = B32[slot >> 5] + B32[slot & 31]
    return f"SRS0={srs_hash(secret, tt, domain, local)}={tt}={domain}={local}@{forwarder}"


def srs1(secret, srs0_address, forwarder):
    local, host = srs0_address.rsplit("@", 1)
    user = local[4:]  # "=HHHH=TT=domain=local", the separator included
    return f"SRS1={srs_hash(secret, host, user)}={host}={user}@{forwarder}"


# Postsrsd's answers for these inputs (tests/milter/srs_test.cpp): this
# code must agree before its addresses mean anything.
assert srs0("tops3cret", "anna@example.com", "fwd.example", 20789 * 86400) == \
    "SRS0=HF+n=JV=example.com=anna@fwd.example"
assert srs1("tops3cret", "SRS0=abcd=AB=x.example=joe@third.example", "fwd.example") == \
    "SRS1=4v9s=third.example==abcd=AB=x.example=joe@fwd.example"


def check_srs_log(text):
    entries = {}
    for line in text.splitlines():
        if line.startswith("{"):
            e = json.loads(line)
            entries[e.get("queue_id")] = e
    for qid, want in (("BOUNCE1", [("good", "anna@example.com")]), ("BOUNCE2", [("good1", "hop1")])):
        got = [(r.get("to"), r.get("original")) for r in entries.get(qid, {}).get("srs_reversed", [])]
        if got != [(SRS[a], SRS.get(b, b)) for a, b in want]:
            fail(f"srs: {qid}: srs_reversed {got}, wanted {want}")
    for qid, reason in (("FORGED1", "hash invalid"), ("EXPIRED1", "timestamp expired")):
        reply = entries.get(qid, {}).get("reply", "")
        if reply != f"550 5.1.1 Invalid SRS address ({reason})":
            fail(f"srs: {qid}: reply {reply!r}, wanted 550 5.1.1 ... ({reason})")
    if "srs_reversed" in entries.get("MIXED1", {}):
        fail("srs: MIXED1: an SRS address deferred at RCPT is in the log's srs_reversed")


SRS = {}

# Not in the runs of every script: the helpers, and the scripts that need a
# milter of their own (below).
SEPARATE = ("common.lua", "store_down.lua", "srs_reverse.lua", "submission.lua")

# lua/submission.lua, against --authenticated submission (the default) and
# --authenticated inbound: {queue ID: (answer, {recipient: verdict}, path)};
# a refusal at MAIL FROM has no recipients and no path. BOGUS: the reply
# to a MAIL FROM after a bogus HELO without a login.
BOGUS = "550 5.7.1 Access denied - bogus HELO"
EXPECTED_SUBMISSION = {
    "SUB1": ("accept", {"dave@example.org": "deliver", "bob@example.net": "deliver"}, "submission"),
    "SUB2": ("accept", {"dave@example.org": "deliver"}, "submission"),
    "SUB3": ("refuse", {"dave@example.org": "refuse"}, "submission"),
    "SUB4": ("refuse", {}, None),
}
EXPECTED_INBOUND = {
    "SUB1": ("refuse", {}, None),
    "SUB2": ("refuse", {"dave@example.org": "refuse"}, "inbound"),
    "SUB3": ("refuse", {"dave@example.org": "refuse"}, "inbound"),
    "SUB4": ("refuse", {}, None),
}


def check_submission_log(text, expected, helo_refusals, label):
    """The log of lua/submission.lua: the refusals at HELO itself (inbound
    only: two, NOQUEUE lines, no queue ID yet), then per queue ID the
    answer, the verdicts, the path and who logged in; a MAIL FROM refusal
    after a bogus HELO with its reply."""
    lines = [json.loads(l) for l in text.splitlines() if l.startswith("{")]
    helo = [e for e in lines if e.get("stage") == "helo"]
    if len(helo) != helo_refusals or any(e.get("reply") != BOGUS for e in helo):
        fail(f"{label}: HELO refusals {[(e.get('detail'), e.get('reply')) for e in helo]}, wanted {helo_refusals}")
    check_log("\n".join(json.dumps(e) for e in lines if e.get("stage") != "helo"),
              {q: (a, v) for q, (a, v, _) in expected.items()}, label)
    for e in lines:
        qid = e.get("queue_id")
        if qid not in expected or e.get("stage") == "helo":
            continue
        answer, _, path = expected[qid]
        if path is None:  # refused at MAIL FROM after the bogus HELO
            if (e.get("stage"), e.get("reply")) != ("mail", BOGUS):
                fail(f"{label}: {qid}: {e.get('stage')} {e.get('reply')}, wanted mail {BOGUS}")
            continue
        if e.get("path") != path or e.get("auth") != "anna@example.net":
            fail(f"{label}: {qid}: path {e.get('path')!r}, auth {e.get('auth')!r}, wanted {path!r}, anna@example.net")
        if path == "submission" and qid == "SUB1" and e.get("helo_check") != "skipped":
            fail(f"{label}: SUB1: helo_check {e.get('helo_check')!r}, wanted 'skipped' (a bogus HELO, logged in)")
        for r in e.get("recipients", []):
            hits = r["report"].get("hits", [])
            if path == "submission" and (hits or r["spam_score"] != 0):
                fail(f"{label}: {qid}: {r['to']}: spam rules ran on a submission: {hits}, {r['spam_score']}")
            if path == "inbound" and qid == "SUB2" and "GTUBE" not in [h["rule"] for h in hits]:
                fail(f"{label}: SUB2: GTUBE not among the hits {hits} inbound")


def check_log(text, expected, label):
    entries = {}
    for line in text.splitlines():
        if line.startswith("{"):
            try:
                e = json.loads(line)
            except json.JSONDecodeError as err:
                fail(f"{label}: a log line is not JSON ({err}): {line[:200]}")
                continue
            entries.setdefault(e.get("queue_id"), []).append(e)
    for qid, (answer, verdicts) in expected.items():
        got = entries.get(qid, [])
        if len(got) != 1:
            fail(f"{label}: {len(got)} log lines for queue ID {qid}, wanted 1")
            continue
        e = got[0]
        if e.get("milter") != answer:
            fail(f"{label}: {qid}: milter {e.get('milter')!r}, wanted {answer!r}")
        if qid in UNTOUCHED and e.get("edits") != 2:
            fail(f"{label}: {qid}: {e.get('edits')} edits, wanted the two score fields")
        rcpts = {r["to"]: r for r in e.get("recipients", [])}
        if {t: r["verdict"] for t, r in rcpts.items()} != verdicts:
            fail(f"{label}: {qid}: verdicts {[(t, r['verdict']) for t, r in rcpts.items()]}, wanted {verdicts}")
        for r in rcpts.values():
            if "report" not in r or "spam_score" not in r or not all(
                    isinstance(e.get(t), (int, float)) for t in ("ms", "eval_ms")):
                fail(f"{label}: {qid}: {r['to']}: no report, spam score or times in the log line")
            want = DELIVERED.get((qid, r["to"]))
            if want is not None and sorted(r.get("delivered_to", [])) != sorted(want):
                fail(f"{label}: {qid}: {r['to']} delivered to {r.get('delivered_to')}, wanted {want}")
    extra = set(entries) - set(expected)
    if extra:
        fail(f"{label}: unexpected log lines for {sorted(extra)}")


def main():
    binary = sys.argv[1]
    with tempfile.TemporaryDirectory(prefix="sift-miltertest-") as tmp:
        sock = os.path.join(tmp, "milter.sock")
        m = Milter(binary, "unix:" + sock, tmp, "unix")
        try:
            for name in sorted(os.listdir(LUA)):
                if name.endswith(".lua") and name not in SEPARATE:
                    run_lua(name, "unix:" + sock)
        finally:
            log = m.stop()
        check_log(log, EXPECTED, "unix")
        if BROKEN_ERROR not in log:
            fail(f"the broken script's error ({BROKEN_ERROR}) is not in the log:\n{log}")

        # The same scripts through libmilter (--protocol libmilter, the
        # fallback an operator can compare with): the same answers and log.
        m = Milter(binary, "unix:" + sock, tmp, "libmilter", "--protocol", "libmilter")
        try:
            for name in sorted(os.listdir(LUA)):
                if name.endswith(".lua") and name not in SEPARATE:
                    run_lua(name, "unix:" + sock)
        finally:
            log = m.stop()
        check_log(log, EXPECTED, "libmilter")

        # A Redis port nothing listens on: the policy's list lookups fail.
        down = os.path.join(tmp, "down.sock")
        m = Milter(binary, "unix:" + down, tmp, "down", "--store", f"redis:127.0.0.1:{free_port()}")
        try:
            run_lua("store_down.lua", "unix:" + down, "-D", "mode=rcpt")
        finally:
            log = m.stop()
        check_log(log, EXPECTED_DOWN, "store down at RCPT")
        m = Milter(binary, "unix:" + down, tmp, "down-eom", "--store", f"redis:127.0.0.1:{free_port()}",
                   "--no-rcpt-block-lists")
        try:
            run_lua("store_down.lua", "unix:" + down, "-D", "mode=eom")
        finally:
            log = m.stop()
        check_log(log, EXPECTED_DOWN_EOM, "store down at end-of-message")

        # Reverse SRS: a milter with --srs-domain fwd.example and its secret.
        secret_file = os.path.join(tmp, "srs.secret")
        with open(secret_file, "w") as f:
            f.write(SRS_SECRET + "\n")
        now = time.time()
        hop1 = srs0(HOP1_SECRET, "anna@example.com", "hop1.example", now)
        good = srs0(SRS_SECRET, "anna@example.com", "fwd.example", now)
        forged_hash = "AAAA" if good[5:9].upper() != "AAAA" else "BBBB"
        SRS.update(good=good, hop1=hop1, good1=srs1(SRS_SECRET, hop1, "fwd.example"),
                   forged="SRS0=" + forged_hash + good[9:],
                   expired=srs0(SRS_SECRET, "anna@example.com", "fwd.example", now - 30 * 86400))
        srs_sock = os.path.join(tmp, "srs.sock")
        m = Milter(binary, "unix:" + srs_sock, tmp, "srs", "--srs-domain", "fwd.example",
                   "--srs-secret-file", secret_file, "--srs-exclude", "example.net")
        try:
            run_lua("srs_reverse.lua", "unix:" + srs_sock, *[a for k, v in SRS.items() for a in ("-D", f"{k}={v}")])
        finally:
            log = m.stop()
        check_log(log, EXPECTED_SRS, "srs")
        check_srs_log(log)

        # Authenticated submissions: the default, then --authenticated inbound.
        for mode, extra, expected, helo in (("submission", (), EXPECTED_SUBMISSION, 0),
                                            ("inbound", ("--authenticated", "inbound"), EXPECTED_INBOUND, 2)):
            sub_sock = os.path.join(tmp, mode + ".sock")
            m = Milter(binary, "unix:" + sub_sock, tmp, mode, *extra)
            try:
                run_lua("submission.lua", "unix:" + sub_sock, "-D", "mode=" + mode)
            finally:
                log = m.stop()
            check_submission_log(log, expected, helo, mode)

        port = free_port()
        m = Milter(binary, f"inet:{port}@127.0.0.1", tmp, "tcp")
        try:
            run_lua("accept_clean.lua", f"inet:{port}@127.0.0.1")
        finally:
            log = m.stop()
        check_log(log, EXPECTED_TCP, "tcp")
    if failures:
        print(f"{len(failures)} failure(s)")
        return 1
    print("all miltertest checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
