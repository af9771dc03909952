#!/usr/bin/env python3
"""Scale-out: two sift-milters sharing one Redis, behind one Postfix with
two smtpd services (smtpd A lists milter A, smtpd B milter B), Dovecot
LMTP and smtp-sink as in e2e_postfix.py, whose World this uses. Redis is
its own redis-server on a free loopback port, data in the temporary
directory, nothing saved. Everything is stopped by PID (Postfix and Dovecot
by their stop commands).

Usage: scaleout_redis.py SIFT_MILTER SIFT

Checks:
- a block-list entry written to the shared Redis (`sift list add --store
  redis:...`) is honoured by both milters at RCPT, and was not there before;
- the same message to away@example.net (vacation :days 7) through A and
  then through B gets one reply at smtp-sink, not two (the vacation memory
  is Redis's), while B does send its own reply to another sender;
- Redis stopped in the middle of a transaction (after RCPT, before DATA):
  Postfix answers 4xx at end of DATA; while it is down every message is
  deferred (4xx) through either milter and nothing is delivered; after
  Redis is back on the same port the retried mail goes through, once;
- Redis hung (SIGSTOP): 4xx, nothing delivered, and after SIGCONT the
  answers are right again (the block list refuses, clean mail passes).

Needs root, Postfix, Dovecot LMTP, smtp-sink and redis-server
(scripts/install-deps); without them it says so and exits 77.
"""
import json
import os
import shutil
import signal
import smtplib
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from e2e_postfix import SKIP, World, check_delivered, message, ok, run, sink_copies, skip_reason  # noqa: E402
from run_miltertest import fail, failures, free_port  # noqa: E402


class Redis:
    def __init__(self, d, port):
        self.d, self.port, self.proc = d, port, None
        os.makedirs(d, exist_ok=True)

    def start(self):
        self.log = open(os.path.join(self.d, "redis.log"), "a")
        self.proc = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no",
             "--dir", self.d], stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"redis-server does not answer on 127.0.0.1:{self.port}")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


def log_entries(text):
    return [json.loads(l) for l in text.splitlines() if l.startswith("{")]


def delivered_count(w, user, subject, timeout):
    return len([m for m in w.delivered(user, "", timeout=timeout) if f"Subject: {subject}" in m])


def scenarios(w, sift, redis, store):
    a, b = w.smtpds
    # The block list, shared.
    spam = message("before the entry")
    code, text, _ = w.send(["bob@example.net"], spam, sender="spammer@bad.example", port=a)
    if code != 250:
        fail(f"spammer before the block-list entry: {code} {text}")
    check_delivered(w, "bob", "", "before the entry", "before the entry: the sender's mail delivered through A")
    run(sift, "list", "add", "--store", store, "--user", "bob@example.net", "block", "spammer@bad.example")
    for name, port in (("B", b), ("A", a)):
        code, text, refused = w.send(["bob@example.net", "carol@example.net"], message(f"blocked via {name}"),
                                     sender="spammer@bad.example", port=port)
        if code == 250 and refused.get("bob@example.net", (0,))[0] == 550 and "carol@example.net" not in refused:
            ok(f"the entry added to the shared Redis is honoured by milter {name}: bob's RCPT 550, carol's accepted")
        else:
            fail(f"block list through {name}: {code} {text} {refused}")

    # Vacation memory, shared: one message, through A and then through B.
    data = message("away through both", to="away@example.net")
    for port in (a, b):
        code, text, _ = w.send(["away@example.net"], data, port=port)
        if code != 250:
            fail(f"vacation through {port}: {code} {text}")
    data = message("from carol through B", to="away@example.net").replace("From: Alice <alice@example.org>", "From: carol@example.org")
    w.send(["away@example.net"], data, sender="carol@example.org", port=b)
    deadline = time.time() + 20

    def replies(to):
        return [r for r in sink_copies(w, "Away") if f"X-Rcpt-Args: <{to}>" in r or f"To: {to}" in r]

    while time.time() < deadline and not (replies("alice@example.org") and replies("carol@example.org")):
        time.sleep(0.2)
    time.sleep(3)  # room for a second reply to alice, which must not come
    n_alice, n_carol = len(replies("alice@example.org")), len(replies("carol@example.org"))
    if n_alice == 1 and n_carol == 1:
        ok("vacation: one reply to alice for the message through both milters; B replies to carol")
    else:
        fail(f"vacation through both milters: {n_alice} replies to alice (wanted 1), {n_carol} to carol (wanted 1)")
    # Which milter decided what: A replied, B found A's record in Redis.
    said = {name: [act for e in log_entries(w.milter_log(name)) if e.get("from") == "alice@example.org"
                   for r in e.get("recipients", []) if r["to"] == "away@example.net"
                   for act in r["report"]["actions"] if act["action"] == "vacation"] for name in ("a", "b")}
    if (len(said["a"]) == 1 and "not_sent" not in said["a"][0] and len(said["b"]) == 1
            and "not_sent" in said["b"][0]):
        ok(f"vacation: milter A sent the reply, milter B did not ({said['b'][0]['not_sent']})")
    else:
        fail(f"vacation: milter A's vacation actions {said['a']}, B's {said['b']}")

    # Redis stopped between RCPT and DATA.
    data = message("redis went away")
    with smtplib.SMTP("127.0.0.1", b, timeout=60) as s:
        s.ehlo("client.test.invalid")
        s.mail("alice@example.org")
        code, text = s.rcpt("bob@example.net")
        if code != 250:
            fail(f"RCPT before Redis stops: {code} {text!r}")
        redis.stop()
        try:
            code, text = s.data(data)
        except smtplib.SMTPDataError as e:
            code, text = e.smtp_code, e.smtp_error
    if 400 <= code < 500:
        ok(f"Redis stopped mid-transaction: end of DATA answered {code} {text.decode(errors='replace')}")
    else:
        fail(f"Redis stopped mid-transaction: {code} {text!r}, wanted 4xx")
    for name, port in (("A", a), ("B", b)):
        code, text, refused = w.send(["bob@example.net"], message(f"redis down via {name}"), port=port)
        r = refused.get("bob@example.net", (code, text))
        if 400 <= r[0] < 500:
            ok(f"Redis down: milter {name}'s recipient deferred {r[0]} {r[1].decode() if isinstance(r[1], bytes) else r[1]}")
        else:
            fail(f"Redis down, through {name}: {code} {text} {refused}, wanted 4xx")
    for subject in ("redis went away", "redis down via A", "redis down via B"):
        if delivered_count(w, "bob", subject, timeout=0.5):
            fail(f"Redis down: {subject!r} was delivered unfiltered")
    redis.start()
    code, text, _ = w.send(["bob@example.net"], data, port=b)
    if code != 250:
        fail(f"after Redis is back: {code} {text}")
    check_delivered(w, "bob", "", "redis went away", "after Redis is back the retried message is delivered, once")

    # Redis hung (SIGSTOP): connections open, no answers. Each lookup ends
    # at the store's command timeout (1 s) or Postfix's (5 s): 4xx, and once
    # Redis answers again no late reply is taken for a later question.
    run(sift, "list", "add", "--store", store, "--user", "bob@example.net", "block", "spammer@bad.example")
    redis.proc.send_signal(signal.SIGSTOP)
    try:
        started = time.time()
        code, text, refused = w.send(["bob@example.net"], message("redis hung"), port=a)
        r = refused.get("bob@example.net", (code, text))
        if 400 <= r[0] < 500:
            ok(f"Redis hung: the recipient deferred {r[0]} after {time.time() - started:.1f} s")
        else:
            fail(f"Redis hung: {code} {text} {refused}, wanted 4xx")
    finally:
        redis.proc.send_signal(signal.SIGCONT)
    code, text, refused = w.send(["bob@example.net"], message("blocked after the hang"), sender="spammer@bad.example",
                                 port=a)
    if code == 0 and refused.get("bob@example.net", (0,))[0] == 550:
        ok("after the hang: the blocked sender refused 550 again (no stale reply)")
    else:
        fail(f"after the hang: {code} {text} {refused}, wanted bob's RCPT refused 550")
    code, text, _ = w.send(["bob@example.net"], message("clean after the hang"), port=a)
    check_delivered(w, "bob", "", "clean after the hang", "after the hang: clean mail delivered")
    if delivered_count(w, "bob", "redis hung", timeout=0.5):
        fail("Redis hung: the message was delivered unfiltered")


def main():
    binary, sift = sys.argv[1], sys.argv[2]
    why = skip_reason("redis-server")
    if why:
        print("SKIPPED: " + why)
        return SKIP
    d = tempfile.mkdtemp(prefix="sift-scaleout-")
    w = World(binary, d, milters=("a", "b"), smtpds=["a", "b"])
    redis = Redis(os.path.join(d, "redis"), free_port())
    store = f"redis:127.0.0.1:{redis.port}"
    for name in ("a", "b"):
        # Replies through smtpd A to smtp-sink; each milter its own spool.
        w.milter_args[name] = ["--store", store, "--relay", f"smtp://127.0.0.1:{w.smtp}/sift-milter.test.invalid",
                               "--spool", f"{d}/spool-{name}", "--relay-retry", "1"]
    try:
        redis.start()
        w.start()
        scenarios(w, sift, redis, store)
    except Exception as e:  # a step that could not run is a failure, never a pass
        fail(f"{type(e).__name__}: {e}")
    finally:
        w.stop()
        redis.stop()
    if failures:
        print("--- maillog ---\n" + w.maillog()[-6000:])
        for log in ("a.log", "b.log", "dovecot.log", "redis/redis.log"):
            try:
                print(f"--- {log} ---\n" + open(os.path.join(d, "log" if "/" not in log else "", log)).read()[-4000:])
            except FileNotFoundError:
                pass
        print(f"{len(failures)} failure(s); files kept in {d}")
        return 1
    shutil.rmtree(d, ignore_errors=True)
    print("all scale-out checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
