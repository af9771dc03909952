#!/usr/bin/env python3
"""End to end: a real Postfix (smtpd on loopback) -> sift-milter (TCP, the
default policy and tests/milter/scripts) -> Dovecot LMTP delivering to
Maildirs, smtp-sink as the relay for other domains. Everything listens on
127.0.0.1, in a temporary directory, and is stopped by PID (Postfix and
Dovecot by their own stop commands) at the end.

Usage: e2e_postfix.py SIFT_MILTER

Needs root (Postfix's master binds and switches users) and Postfix,
Dovecot LMTP and smtp-sink, which scripts/install-deps installs; where one
is missing it says so and exits 77 (CTest: skipped). Recipe:
../shared/MILTER-NOTES.md §3.
"""
import glob
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
SCRIPTS = os.path.join(HERE, "scripts")
SKIP = 77
sys.path.insert(0, HERE)
from run_miltertest import fail, failures, free_port  # noqa: E402  (one copy of each)


def ok(msg):
    print("ok   " + msg, flush=True)


def run(*cmd):
    # Not captured through pipes: a daemon (dovecot, postfix's master)
    # keeps them open and the read would never end.
    with tempfile.TemporaryFile() as out:
        r = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
        if r.returncode != 0:
            out.seek(0)
            raise RuntimeError(f"{' '.join(cmd)}: exit {r.returncode}: {out.read().decode(errors='replace')}")


def wait_port(port, what, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{what} does not listen on 127.0.0.1:{port}")


def message(subject, body="hello\r\n", extra=""):
    return (f"From: Alice <alice@example.org>\r\nTo: bob@example.net\r\nSubject: {subject}\r\n"
            f"Date: Wed, 02 Dec 2026 08:00:00 +0000\r\nMessage-ID: <{time.time_ns()}@example.org>\r\n"
            f"{extra}\r\n{body}")


class World:
    def __init__(self, milter_binary, d):
        self.d = d
        self.milter_binary = milter_binary
        self.smtp, self.lmtp, self.sink, self.mport = free_port(), free_port(), free_port(), free_port()
        self.procs = {}
        for sub in ("pf", "queue", "data", "log", "sink", "mail", "dovecot"):
            os.makedirs(os.path.join(d, sub))
        os.chmod(d, 0o755)
        shutil.chown(os.path.join(d, "data"), "postfix")
        shutil.chown(os.path.join(d, "mail"), "nobody", "nogroup")
        os.chmod(os.path.join(d, "sink"), 0o777)

    def start_milter(self):
        log = open(os.path.join(self.d, "log", "milter.log"), "a")
        self.procs["milter"] = subprocess.Popen(
            [self.milter_binary, "--listen", f"inet:{self.mport}@127.0.0.1", "--policy", "default",
             "--scripts", SCRIPTS], stdout=log, stderr=subprocess.STDOUT)
        wait_port(self.mport, "sift-milter")

    def start(self):
        d = self.d
        self.start_milter()
        self.procs["sink"] = subprocess.Popen(
            ["smtp-sink", "-4", "-u", "nobody", "-d", f"{d}/sink/%H%M%S.", f"127.0.0.1:{self.sink}", "256"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        conf = f"""protocols = lmtp
listen = 127.0.0.1
base_dir = {d}/dovecot/run
state_dir = {d}/dovecot/state
ssl = no
log_path = {d}/log/dovecot.log
passdb {{
  driver = static
  args = nopassword=y
}}
userdb {{
  driver = static
  args = uid=65534 gid=65534 home={d}/mail/%n
}}
mail_location = maildir:{d}/mail/%n
recipient_delimiter = +
lmtp_save_to_detail_mailbox = yes
lda_mailbox_autocreate = yes
service lmtp {{
  inet_listener lmtp {{
    address = 127.0.0.1
    port = {self.lmtp}
  }}
}}
"""
        with open(f"{d}/dovecot/dovecot.conf", "w") as f:
            f.write(conf)
        run("dovecot", "-c", f"{d}/dovecot/dovecot.conf")
        self.dovecot = True
        wait_port(self.lmtp, "dovecot lmtp")
        with open(f"{d}/pf/main.cf", "w"):
            pass
        master = open("/usr/share/postfix/master.cf.dist").read().splitlines()
        out = []
        for line in master:
            if line.startswith("smtp ") and " inet " in line:
                line = f"127.0.0.1:{self.smtp} inet n - n - - smtpd"
            parts = line.split()
            if len(parts) >= 8 and not line.startswith("#") and parts[1] in (
                    "unix", "inet", "fifo", "pass", "unix-dgram") and parts[4] == "y":
                parts[4] = "n"
                line = " ".join(parts)
            out.append(line)
        with open(f"{d}/pf/master.cf", "w") as f:
            f.write("\n".join(out) + "\n")
        run("postconf", "-c", f"{d}/pf", "-e",
            "compatibility_level = 3.6", f"queue_directory = {d}/queue", f"data_directory = {d}/data",
            "mail_owner = postfix", "setgid_group = postdrop",
            "myhostname = mx.test.invalid", "mydomain = test.invalid", "mydestination =",
            "inet_interfaces = 127.0.0.1", "inet_protocols = ipv4", "mynetworks = 127.0.0.0/8",
            "smtpd_relay_restrictions = permit_mynetworks, reject", "smtpd_peername_lookup = no",
            f"relayhost = [127.0.0.1]:{self.sink}",
            f"transport_maps = inline:{{ example.net=lmtp:inet:127.0.0.1:{self.lmtp} }}",
            "alias_maps =", "alias_database =", "biff = no", "recipient_delimiter = +",
            f"maillog_file = {d}/log/maillog", f"maillog_file_prefixes = /var, /dev/stdout, {d}",
            f"smtpd_milters = {{ inet:127.0.0.1:{self.mport}, command_timeout=5s, default_action=tempfail }}",
            "milter_protocol = 6", "milter_default_action = tempfail")
        run("postfix", "-c", f"{d}/pf", "check")
        run("postfix", "-c", f"{d}/pf", "start")
        self.postfix = True
        wait_port(self.smtp, "postfix smtpd")

    def stop(self):
        if getattr(self, "postfix", False):
            subprocess.run(["postfix", "-c", f"{self.d}/pf", "stop"], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
        if getattr(self, "dovecot", False):
            subprocess.run(["doveadm", "-c", f"{self.d}/dovecot/dovecot.conf", "stop"], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
        for name in list(self.procs):
            self.stop_proc(name)

    def stop_proc(self, name, sig=signal.SIGTERM):
        p = self.procs.pop(name)
        if p.poll() is None:
            p.send_signal(sig)
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()

    def maillog(self):
        try:
            return open(f"{self.d}/log/maillog").read()
        except FileNotFoundError:
            return ""

    def send(self, rcpts, data, sender="alice@example.org"):
        """(code, text, refused rcpts) of end-of-DATA; a refused DATA or a
        refused session is its code."""
        try:
            with smtplib.SMTP("127.0.0.1", self.smtp, timeout=60) as s:
                s.ehlo("client.test.invalid")
                refused = s.sendmail(sender, rcpts, data)
                return 250, "", refused
        except smtplib.SMTPRecipientsRefused as e:
            return 0, "all recipients refused", e.recipients
        except smtplib.SMTPDataError as e:
            return e.smtp_code, e.smtp_error.decode(), {}
        except smtplib.SMTPResponseException as e:
            return e.smtp_code, e.smtp_error.decode(), {}

    def delivered(self, user, folder="", timeout=20):
        """The messages in user's folder (Maildir), waiting for the first."""
        path = f"{self.d}/mail/{user}/" + (f".{folder}/" if folder else "") + "new/*"
        deadline = time.time() + timeout
        while time.time() < deadline:
            files = glob.glob(path)
            if files:
                time.sleep(0.3)
                return [open(f, errors="replace").read() for f in glob.glob(path)]
            time.sleep(0.2)
        return []


def sink_copy(w, subject, timeout=20):
    """smtp-sink's dump of the message with that subject ("" if none came)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        for f in glob.glob(f"{w.d}/sink/*"):
            text = open(f, errors="replace").read()
            if f"Subject: {subject}" in text:
                return text
        time.sleep(0.2)
    return ""


def check_delivered(w, user, folder, subject, what):
    got = [m for m in w.delivered(user, folder) if f"Subject: {subject}" in m]
    if len(got) == 1:
        ok(what)
    else:
        fail(f"{what}: {len(got)} messages with Subject {subject} in {user}/{folder or 'INBOX'}")


def scenarios(w):
    code, text, _ = w.send(["bob@example.net"], message("clean one"))
    if code != 250:
        fail(f"clean mail: {code} {text}")
    check_delivered(w, "bob", "", "clean one", "clean mail delivered to bob's INBOX")

    code, text, _ = w.send(["bob@example.net"],
                           message("gtube", "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X\r\n"))
    if code == 550 and "5.7.1 message refused as spam" in text:
        ok("GTUBE refused at end of DATA: 550 5.7.1")
    else:
        fail(f"GTUBE: {code} {text}")

    # SUBJECT_ALL_CAPS 3, SUBJECT_EXCLAIMS 1.5, FROM_NAME_HAS_ADDRESS 1,
    # MALFORMED_LINK 2: 7.5, Spam (Postfix adds the missing Date and
    # Message-ID before the milter sees the header, so those do not count).
    spam = ("From: \"win@prize.example\" <x@prize.example>\r\nTo: bob@example.net\r\n"
            "Subject: WINNER!!!\r\n\r\nclaim it at http//prize.example/\r\n")
    code, text, _ = w.send(["bob@example.net"], spam)
    check_delivered(w, "bob", "Spam", "WINNER!!!", "the policy's Spam folder: bob+Spam through Dovecot")
    # The same for a relayed recipient: smtp-sink's dump shows the RCPT
    # parameters Postfix passed on, the ORCPT the milter gave.
    w.send(["dave@example.org"], spam.replace("WINNER!!!", "PRIZE!!!"))
    dump = sink_copy(w, "PRIZE!!!")
    args = [l for l in dump.splitlines() if l.startswith("X-Rcpt-Args:")]
    if any("dave+Spam@example.org" in l and "ORCPT=rfc822;dave@example.org" in l for l in args):
        ok("the rewritten recipient carries ORCPT=rfc822;dave@example.org to the next hop")
    else:
        fail("no dave+Spam@example.org with ORCPT=rfc822;dave@example.org at the relay:\n" + (dump or "")[:600])

    code, text, refused = w.send(["filer@example.net", "junk@example.net", "carol@example.net"],
                                 message("three ways"))
    if code != 250 or refused:
        fail(f"three recipients: {code} {text} {refused}")
    check_delivered(w, "filer", "Work=20Stuff", "three ways", "filer's own fileinto \"Work Stuff\"")
    check_delivered(w, "junk", "Junk", "three ways", "junk's own fileinto \"Junk\", same transaction")
    check_delivered(w, "carol", "", "three ways", "carol (no script) to INBOX, same transaction")

    # replace (RFC 5703) through Postfix: header fields swapped, body replaced
    # (SMFIR_REPLBODY after every other edit).
    code, text, _ = w.send(["replacer@example.net"], message("to be replaced", "the old body\r\n"))
    got = w.delivered("replacer", "")
    if (len(got) == 1 and "Subject: Replaced" in got[0] and "The original message was replaced." in got[0]
            and "the old body" not in got[0] and "\nSubject: to be replaced" not in got[0]
            and "\nOriginal-Subject: to be replaced" in got[0]):
        ok("replace: Dovecot got the new header and body, nothing of the old")
    else:
        fail(f"replace: {code} {text}; delivered: {[m[:400] for m in got]}")

    code, text, refused = w.send(["fwd@example.net"], message("forward me"))
    sunk = sink_copy(w, "forward me")
    if sunk and "elsewhere@example.org" in sunk and not w.delivered("fwd", "", timeout=1):
        ok("redirect: relayed to elsewhere@example.org, nothing for fwd")
    else:
        fail(f"redirect: no copy for elsewhere@example.org at the relay: {sunk[:300]!r}")

    code, text, refused = w.send(["bob@example.net", "refuser@example.net"], message("refuse me"))
    if code == 250 and refused.get("refuser@example.net", (0,))[0] == 452:
        ok("a refusing user's script beside another recipient: its RCPT deferred with 452")
    else:
        fail(f"refuser beside bob: {code} {text} {refused}")
    code, text, refused = w.send(["refuser@example.net"], message("refuse me"))
    if code == 550 and "not wanted here" in text:
        ok("the same recipient alone: 550 with its script's reason")
    else:
        fail(f"refuser alone: {code} {text}")

    # The milter killed between RCPT and end of DATA: Postfix tempfails
    # (milter_default_action), and after a restart the mail goes through.
    data = message("after the crash")
    with smtplib.SMTP("127.0.0.1", w.smtp, timeout=60) as s:
        s.ehlo("client.test.invalid")
        s.mail("alice@example.org")
        s.rcpt("carol@example.net")
        w.stop_proc("milter", signal.SIGKILL)
        try:
            code, text = s.data(data)
        except smtplib.SMTPDataError as e:  # refused at DATA itself
            code, text = e.smtp_code, e.smtp_error
    if 400 <= code < 500:
        ok(f"milter killed mid-transaction: Postfix answered {code}")
    else:
        fail(f"milter killed mid-transaction: {code} {text!r}")
    w.start_milter()
    code, text, _ = w.send(["carol@example.net"], data)
    if code != 250:
        fail(f"retry after restart: {code} {text}")
    check_delivered(w, "carol", "", "after the crash", "the retry after the restart delivered, once")


def main():
    binary = sys.argv[1]
    if os.geteuid() != 0:
        print("SKIPPED: needs root (Postfix's master binds its port and switches users)")
        return SKIP
    missing = [t for t in ("postfix", "postconf", "smtp-sink", "dovecot", "doveadm") if not shutil.which(t)]
    if not os.path.exists("/usr/lib/dovecot/lmtp"):
        missing.append("dovecot-lmtpd")
    if missing:
        print("SKIPPED: not installed: " + ", ".join(missing) + " (scripts/install-deps installs them)")
        return SKIP
    d = tempfile.mkdtemp(prefix="sift-e2e-")
    w = World(binary, d)
    try:
        w.start()
        scenarios(w)
    except Exception as e:  # a step that could not run is a failure, never a pass
        fail(f"{type(e).__name__}: {e}")
    finally:
        w.stop()
    if failures:
        print("--- maillog ---\n" + w.maillog()[-6000:])
        for log in ("milter.log", "dovecot.log"):
            try:
                print(f"--- {log} ---\n" + open(f"{d}/log/{log}").read()[-4000:])
            except FileNotFoundError:
                pass
        print(f"{len(failures)} failure(s); files kept in {d}")
        return 1
    shutil.rmtree(d, ignore_errors=True)
    print("all end-to-end checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
