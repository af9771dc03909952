#!/usr/bin/env python3
"""sift-milter's outbox end to end: vacation replies leave through an SMTP
relay that is down at first, are kept in the spool, and arrive once it is
up, each once.

Usage: replies.py SIFT_MILTER

Starts sift-milter on a unix socket in a temporary directory (default
policy, tests/milter/scripts, --relay to a loopback port nothing listens on
yet, --spool in the temporary directory, --relay-retry 1), runs
replies/vacation.lua with Debian's miltertest (two messages from alice to
away@example.net, whose script answers with vacation :days 7, and a bulk
message from carol), checks that the reply waits in the spool, then starts
a small SMTP relay of its own on that port and checks that exactly one
reply arrives: to alice, from the null sender, auto-replied, with the
script's subject. Everything it starts is stopped by its PID.
"""
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run_miltertest as mt  # noqa: E402  (Milter, free_port, fail, failures)


class Relay:
    """Accepts every message; keeps (MAIL FROM, [RCPT TO], data)."""

    def __init__(self, port):
        self.messages = []
        self.helo = None
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", port))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.stopping = False
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while not self.stopping:
            try:
                conn, _ = self.sock.accept()
            except socket.timeout:
                continue
            with conn:
                self.session(conn.makefile("rwb"))

    def session(self, f):
        def say(line):
            f.write(line.encode() + b"\r\n")
            f.flush()

        say("220 relay.test ESMTP")
        sender, rcpts = None, []
        while True:
            line = f.readline().decode(errors="replace").rstrip("\r\n")
            if not line:
                return
            verb = line[:4].upper()
            if verb in ("EHLO", "HELO"):
                self.helo = line[5:]
                say("250 relay.test")
            elif verb == "MAIL":
                sender, rcpts = line[10:], []
                say("250 OK")
            elif verb == "RCPT":
                rcpts.append(line[8:])
                say("250 OK")
            elif verb == "DATA":
                say("354 go on")
                data = []
                while True:
                    l = f.readline().decode(errors="replace")
                    if l.rstrip("\r\n") == "." or not l:
                        break
                    data.append(l[1:] if l.startswith("..") else l)
                self.messages.append((sender, rcpts, "".join(data)))
                say("250 OK queued")
            elif verb == "QUIT":
                say("221 bye")
                return
            else:
                say("250 OK")

    def stop(self):
        self.stopping = True
        self.thread.join()
        self.sock.close()


def main():
    binary = sys.argv[1]
    with tempfile.TemporaryDirectory(prefix="sift-replies-") as tmp:
        spool = os.path.join(tmp, "spool")
        port = mt.free_port()
        sock = os.path.join(tmp, "milter.sock")
        # A relay URL without a fully qualified EHLO name (libcurl's default
        # is gethostname(), often one label) stops the milter at startup:
        # its own HELO check would refuse every reply.
        r = subprocess.run([binary, "--listen", "unix:" + sock, "--relay", f"smtp://127.0.0.1:{port}/outbox",
                            "--spool", spool], capture_output=True, text=True, timeout=20)
        want = (f"sift-milter: --relay smtp://127.0.0.1:{port}/outbox: the outbox would say EHLO outbox, which "
                "this milter's HELO check refuses (not a fully qualified domain name); give a fully qualified "
                "name as smtp://HOST:PORT/NAME\n")
        if r.returncode != 2 or r.stderr != want:
            mt.fail(f"--relay with a bogus EHLO name: exit {r.returncode}, {r.stderr!r}; wanted 2, {want!r}")
        m = mt.Milter(binary, "unix:" + sock, tmp, "replies", "--relay",
                      f"smtp://127.0.0.1:{port}/sift-milter.test.invalid", "--spool", spool, "--relay-retry", "1")
        relay = None
        try:
            r = subprocess.run(["miltertest", "-D", "socket=unix:" + sock, "-D", "dir=" + mt.LUA, "-s",
                                os.path.join(HERE, "replies", "vacation.lua")],
                               capture_output=True, text=True, timeout=120)
            if r.returncode != 0:
                mt.fail(f"vacation.lua: miltertest exited {r.returncode}\n{r.stdout}{r.stderr}")
            # The relay is down: the one reply waits in the spool.
            deadline = time.time() + 10
            while time.time() < deadline and "deferred" not in open(m.log_path).read():
                time.sleep(0.1)
            queued = [n for n in os.listdir(spool) if n.endswith(".msg")]
            if len(queued) != 1:
                mt.fail(f"{len(queued)} message(s) in the spool while the relay is down, wanted 1")
            relay = Relay(port)
            deadline = time.time() + 20
            while time.time() < deadline and not relay.messages:
                time.sleep(0.1)
            time.sleep(2.5)  # two more retry periods: nothing else may come
            if len(relay.messages) != 1:
                mt.fail(f"the relay got {len(relay.messages)} message(s), wanted 1 (alice's reply)")
            else:
                sender, rcpts, data = relay.messages[0]
                if rcpts != ["<alice@example.org>"]:
                    mt.fail(f"reply to {rcpts}, wanted <alice@example.org>")
                if sender != "<>":
                    mt.fail(f"reply from {sender!r}, wanted the null sender <> (RFC 3834 §3.3)")
                if relay.helo != "sift-milter.test.invalid":
                    mt.fail(f"the outbox said EHLO {relay.helo!r}, wanted the URL's sift-milter.test.invalid")
                for want in ("Auto-Submitted: auto-replied", "Subject: Away", "I am away until Monday."):
                    if want not in data:
                        mt.fail(f"the reply lacks {want!r}:\n{data}")
            left = [n for n in os.listdir(spool) if n.endswith(".msg")]
            if left:
                mt.fail(f"{len(left)} message(s) still in the spool after delivery")
        finally:
            log = m.stop()
            if relay:
                relay.stop()
        if "sent to smtp://127.0.0.1" not in log:
            mt.fail("the log does not say the reply was sent:\n" + log)
    if mt.failures:
        print(f"{len(mt.failures)} failure(s)")
        return 1
    print("vacation reply: queued while the relay was down, delivered once")
    return 0


if __name__ == "__main__":
    sys.exit(main())
