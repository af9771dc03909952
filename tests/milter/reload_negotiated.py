#!/usr/bin/env python3
"""A reload between a connection's negotiation and its message (on the wire,
with negotiate.py's Session): a connection that told the MTA to leave the
body out (a header-only policy, SMFIP_NOBODY) and sees a reload to a
policy that reads the body is decided by the policy of its negotiation,
never by one that would read a body it does not get, and not tempfailed;
a connection made after the reload asks for the body and gets the new
policy. SIGHUP reloads too and does not stop the daemon. sift-milter on
a unix socket in a temporary directory, stopped by PID.

Usage: reload_negotiated.py SIFT_MILTER
"""
import os
import signal
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run_miltertest as mt  # noqa: E402
from negotiate import NOBODY, Session, message, start, stop_all, subject  # noqa: E402

HEADER_POLICY = ('require "reject";\n'
                 'if header :contains "subject" "refuse me" { reject "refused by the header-only policy"; }\n')
BODY_POLICY = ('require ["reject", "body"];\n'
               'if body :contains "bodyword" { reject "refused by the body policy"; }\n'
               'if header :contains "subject" "refuse me" { reject "refused by the new policy"; }\n')
HUP_POLICY = ('require "reject";\n'
              'if header :contains "subject" "refuse me" { reject "refused after SIGHUP"; }\n')


def refused_with(label, got, text):
    stage, cmd, payload, _ = got
    if cmd == "y" and text.encode() in bytes(payload):
        print(f"ok   {label}: refused at {stage} with {text!r}", flush=True)
    else:
        mt.fail(f"{label}: answered {cmd!r} {bytes(payload)[:200]!r} at {stage}, wanted {text!r}")


def main():
    binary = sys.argv[1]
    with tempfile.TemporaryDirectory(prefix="sift-reload-neg-") as tmp:
        policy = os.path.join(tmp, "policy")
        os.makedirs(policy)
        with open(os.path.join(policy, "before.sieve"), "w") as f:
            f.write(HEADER_POLICY)
        m = start(binary, tmp, "milter", "--policy", policy, "--accept-bogus-helo", "--accept-8bit-headers",
                  "--reload-poll", "0")
        try:
            old = Session(m["path"])
            if old.steps & NOBODY:
                print("ok   a header-only policy: the body is left out (NOBODY)", flush=True)
            else:
                mt.fail("the header-only policy did not leave the body out")
            with open(os.path.join(policy, "before.sieve"), "w") as f:
                f.write(BODY_POLICY)
            m["proc"].send_signal(signal.SIGUSR1)
            deadline = time.time() + 10
            while '"reload":"ok"' not in open(m["log_path"]).read() and time.time() < deadline:
                time.sleep(0.05)
            if '"reload":"ok"' not in open(m["log_path"]).read():
                mt.fail("no reload logged after SIGUSR1")
            refused_with("the connection negotiated before the reload", message(old, "Q1", ["bob@example.net"],
                         subject("refuse me")), "refused by the header-only policy")
            old.close()
            new = Session(m["path"])
            if not new.steps & NOBODY:
                print("ok   after the reload to a body policy: the body is asked for", flush=True)
            else:
                mt.fail("after the reload the body is still left out")
            refused_with("a connection after the reload", message(new, "Q2", ["bob@example.net"],
                         subject("lunch"), body=b"a bodyword here\r\n"), "refused by the body policy")
            new.close()
            # SIGHUP reloads as SIGUSR1 does (Sift's own loop; libmilter's
            # smfi_main would stop on it): the daemon stays, and the next
            # connection gets the policy written before the signal.
            with open(os.path.join(policy, "before.sieve"), "w") as f:
                f.write(HUP_POLICY)
            m["proc"].send_signal(signal.SIGHUP)
            deadline = time.time() + 10
            while open(m["log_path"]).read().count('"reload":"ok"') < 2 and time.time() < deadline:
                time.sleep(0.05)
            if open(m["log_path"]).read().count('"reload":"ok"') < 2:
                mt.fail("no reload logged after SIGHUP")
            if m["proc"].poll() is not None:
                mt.fail(f"SIGHUP stopped the daemon (exit {m['proc'].returncode})")
            else:
                hup = Session(m["path"])
                refused_with("a connection after SIGHUP", message(hup, "Q3", ["bob@example.net"],
                             subject("refuse me")), "refused after SIGHUP")
                hup.close()
        finally:
            stop_all([m])
        log = open(m["log_path"]).read()
        if '"milter":"tempfail"' in log:
            mt.fail("something was tempfailed:\n" + log[-2000:])
    if mt.failures:
        return 1
    print("all reload-negotiation checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
