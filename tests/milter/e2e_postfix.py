#!/usr/bin/env python3
"""End to end: a real Postfix (smtpd on loopback) -> sift-milter (TCP, the
default policy and tests/milter/scripts) -> Dovecot LMTP delivering to
Maildirs, smtp-sink as the relay for other domains. Everything listens on
127.0.0.1, in a temporary directory, and is stopped by PID (Postfix and
Dovecot by their own stop commands) at the end.

Usage: e2e_postfix.py SIFT_MILTER SIFT

Needs root (Postfix's master binds and switches users) and Postfix,
Dovecot LMTP and smtp-sink, which scripts/install-deps installs; where one
is missing it says so and exits 77 (CTest: skipped). Recipe:
../shared/MILTER-NOTES.md §3.
"""
import base64
import glob
import io
import json
import os
import re
import shutil
import signal
import smtplib
import socket
import subprocess
import sys
import tempfile
import time
import zipfile

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


def wait_port(port, what, proc=None, timeout=20):
    """Until 127.0.0.1:port accepts; with `proc`, an error as soon as it exits."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode} before listening on 127.0.0.1:{port}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{what} does not listen on 127.0.0.1:{port}")


def skip_reason(*tools):
    """Why a test of this World cannot run here (not root, Postfix, Dovecot
    LMTP or one of `tools` missing), or None."""
    if os.geteuid() != 0:
        return "needs root (Postfix's master binds its port and switches users)"
    missing = [t for t in ("postfix", "postconf", "smtp-sink", "dovecot", "doveadm", *tools) if not shutil.which(t)]
    if not os.path.exists("/usr/lib/dovecot/lmtp"):
        missing.append("dovecot-lmtpd")
    if missing:
        return "not installed: " + ", ".join(missing) + " (scripts/install-deps installs them)"
    return None


def stop_process(p, sig=signal.SIGTERM):
    """Stops `p` by its PID with `sig`, killed after 20 s."""
    if p.poll() is None:
        p.send_signal(sig)
        try:
            p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def wait_unix(path, what, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with socket.socket(socket.AF_UNIX) as s:
                s.connect(path)
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{what} does not listen on {path}")


def message(subject, body="hello\r\n", extra="", to="bob@example.net"):
    return (f"From: Alice <alice@example.org>\r\nTo: {to}\r\nSubject: {subject}\r\n"
            f"Date: Wed, 02 Dec 2026 08:00:00 +0000\r\nMessage-ID: <{time.time_ns()}@example.org>\r\n"
            f"{extra}\r\n{body}")


def start_dovecot(d, port, auth_port=None):
    """Dovecot LMTP on 127.0.0.1:port delivering to Maildirs d/mail/USER
    (as nobody), user+detail into the folder detail (created), with its
    configuration in d/dovecot and its log d/log/dovecot.log; stopped by
    stop_dovecot(d). With auth_port, its SASL service for Postfix on
    127.0.0.1:auth_port as well (PLAIN and LOGIN without TLS, any
    password: the static passdb)."""
    for sub in ("dovecot", "mail", "log"):
        os.makedirs(os.path.join(d, sub), exist_ok=True)
    shutil.chown(os.path.join(d, "mail"), "nobody", "nogroup")
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
    port = {port}
  }}
}}
"""
    if auth_port:
        conf += f"""auth_mechanisms = plain login
disable_plaintext_auth = no
service auth {{
  inet_listener sasl {{
    address = 127.0.0.1
    port = {auth_port}
  }}
}}
"""
    with open(f"{d}/dovecot/dovecot.conf", "w") as f:
        f.write(conf)
    run("dovecot", "-c", f"{d}/dovecot/dovecot.conf")
    wait_port(port, "dovecot lmtp")
    if auth_port:
        wait_port(auth_port, "dovecot auth")


def maildir_messages(d, user, folder="", timeout=20):
    """The messages start_dovecot(d, ...) delivered into user's folder
    (Maildir), waiting for the first."""
    path = f"{d}/mail/{user}/" + (f".{folder}/" if folder else "") + "new/*"
    deadline = time.time() + timeout
    while time.time() < deadline:
        files = glob.glob(path)
        if files:
            time.sleep(0.3)
            return [open(f, errors="replace").read() for f in glob.glob(path)]
        time.sleep(0.2)
    return []


def stop_dovecot(d):
    subprocess.run(["doveadm", "-c", f"{d}/dovecot/dovecot.conf", "stop"], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)


# docs/MILTER.md's milter_*_macros: what sift-milter reads and no more
# (Postfix's defaults send about twice as many, which costs its smtpd and
# cleanup CPU for every message).
POSTFIX_MACROS = ("milter_connect_macros = j {daemon_name} {daemon_addr} v",
                  "milter_helo_macros = {tls_version} {cipher}",
                  "milter_mail_macros = {auth_authen}",
                  "milter_rcpt_macros = i {rcpt_mailer}",
                  "milter_data_macros =",
                  "milter_end_of_header_macros = i",
                  "milter_end_of_data_macros = i")


class World:
    """Postfix, Dovecot LMTP, smtp-sink and sift-milters in directory d.

    milters: the names of the sift-milters, each on a free loopback port
    (mports), started with the options in milter_args[name], which the
    caller may fill in after construction (the ports are known then),
    with --policy milter_policy[name] ("default" unless the caller says)
    and the binary milter_binaries[name] (milter_binary unless given);
    smtpds: the milter each smtpd service lists in its smtpd_milters, one
    smtpd per entry on a free loopback port (smtpds; smtp is the first).
    For scripts/bench-milter: unix, the names of the sift-milters that
    listen on a unix socket (msockets[name]) instead of a port; external,
    {name: Postfix milter address} of milters started by the caller (""
    for none: that smtpd has no milter); lmtp=False starts no Dovecot
    (everything relays to smtp-sink); sink_dump=False keeps no copies."""

    def __init__(self, milter_binary, d, milters=("milter",), smtpds=None, unix=(), external=None, lmtp=True,
                 sink_dump=True):
        self.d = d
        self.milter_binary = milter_binary
        self.lmtp, self.sink = free_port(), free_port()
        self.auth = free_port() if lmtp else None  # Dovecot's SASL service for smtpd
        self.with_lmtp, self.sink_dump = lmtp, sink_dump
        self.milter_args = {name: [] for name in milters}
        self.milter_policy = {name: "default" for name in milters}  # --policy, per milter
        self.milter_binaries = {}  # another binary than milter_binary, per milter
        self.mports = {name: free_port() for name in milters if name not in unix}
        self.msockets = {name: os.path.join(d, "run", name + ".sock") for name in unix}
        self.maddr = {name: f"inet:127.0.0.1:{port}" for name, port in self.mports.items()}
        self.maddr.update({name: "unix:" + path for name, path in self.msockets.items()})
        self.maddr.update(external or {})
        self.mport = self.mports.get(milters[0]) if milters else None
        self.smtpd_milter = list(smtpds or [milters[0]])
        self.smtpds = [free_port() for _ in self.smtpd_milter]
        self.smtp = self.smtpds[0]
        self.procs = {}
        self.main_cf = []  # more main.cf settings, "name = value" (scripts/bench-milter --per-process)
        for sub in ("pf", "queue", "data", "log", "sink", "mail", "dovecot", "run"):
            os.makedirs(os.path.join(d, sub))
        os.chmod(d, 0o755)
        shutil.chown(os.path.join(d, "data"), "postfix")
        shutil.chown(os.path.join(d, "mail"), "nobody", "nogroup")
        os.chmod(os.path.join(d, "sink"), 0o777)
        shutil.chown(os.path.join(d, "run"), group="postfix")
        os.chmod(os.path.join(d, "run"), 0o2750)

    def start_milter(self, name="milter"):
        log = open(os.path.join(self.d, "log", name + ".log"), "a")
        listen = f"unix:{self.msockets[name]}" if name in self.msockets else f"inet:{self.mports[name]}@127.0.0.1"
        # A unix socket: made rwxrwx--- (umask) in the setgid-postfix run/,
        # so the group is postfix and smtpd (user postfix) may connect.
        self.procs[name] = subprocess.Popen(
            [self.milter_binaries.get(name, self.milter_binary), "--listen", listen,
             "--policy", self.milter_policy.get(name, "default"), "--scripts", SCRIPTS, *self.milter_args[name]],
            stdout=log, stderr=subprocess.STDOUT,
            preexec_fn=(lambda: os.umask(0o007)) if name in self.msockets else None)
        if name in self.msockets:
            wait_unix(self.msockets[name], "sift-milter " + name)
        else:
            wait_port(self.mports[name], "sift-milter " + name)

    def milter_log(self, name="milter"):
        try:
            return open(os.path.join(self.d, "log", name + ".log")).read()
        except FileNotFoundError:
            return ""

    def start(self):
        d = self.d
        for name in self.milter_args:
            self.start_milter(name)
        self.start_sink()
        if self.with_lmtp:
            self.start_dovecot()
        self.start_postfix()

    def start_sink(self):
        self.procs["sink"] = subprocess.Popen(
            ["smtp-sink", "-4", "-u", "nobody", *(["-d", f"{self.d}/sink/%H%M%S."] if self.sink_dump else []),
             f"127.0.0.1:{self.sink}", "256"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_port(self.sink, "smtp-sink")

    def start_dovecot(self):
        self.dovecot = True  # stopped even if it never listens
        start_dovecot(self.d, self.lmtp, self.auth)

    def start_postfix(self):
        d = self.d
        with open(f"{d}/pf/main.cf", "w"):
            pass
        master = open("/usr/share/postfix/master.cf.dist").read().splitlines()
        out = []
        for line in master:
            if line.startswith("smtp ") and " inet " in line:
                # One smtpd per port, each with its milter (main.cf's
                # milter_NAME, below).
                line = "\n".join(f"127.0.0.1:{port} inet n - n - - smtpd\n  -o smtpd_milters=$milter_{name.replace('-', '_')}"
                                  for port, name in zip(self.smtpds, self.smtpd_milter))
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
            *([f"transport_maps = inline:{{ example.net=lmtp:inet:127.0.0.1:{self.lmtp} }}"] if self.with_lmtp else []),
            # SMTP AUTH (submissions) through Dovecot's SASL service
            *(["smtpd_sasl_auth_enable = yes", "smtpd_sasl_type = dovecot",
               f"smtpd_sasl_path = inet:127.0.0.1:{self.auth}"] if self.with_lmtp else []),
            "alias_maps =", "alias_database =", "biff = no", "recipient_delimiter = +",
            f"maillog_file = {d}/log/maillog", f"maillog_file_prefixes = /var, /dev/stdout, {d}",
            # (a parameter name has no '-')
            *(f"milter_{name.replace('-', '_')} = {{ {addr}, command_timeout=5s, default_action=tempfail }}"
              if addr else f"milter_{name.replace('-', '_')} =" for name, addr in self.maddr.items()),
            f"smtpd_milters = $milter_{self.smtpd_milter[0].replace('-', '_')}",
            "milter_protocol = 6", "milter_default_action = tempfail",
            # The macros docs/MILTER.md recommends (Postfix (main.cf)): only
            # those sift-milter reads, so that every test through Postfix
            # runs with them.
            *POSTFIX_MACROS, *self.main_cf)
        run("postfix", "-c", f"{d}/pf", "check")
        run("postfix", "-c", f"{d}/pf", "start")
        self.postfix = True
        wait_port(self.smtp, "postfix smtpd")

    def stop(self):
        if getattr(self, "postfix", False):
            subprocess.run(["postfix", "-c", f"{self.d}/pf", "stop"], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
        if getattr(self, "dovecot", False):
            stop_dovecot(self.d)
        for name in list(self.procs):
            self.stop_proc(name)

    def stop_proc(self, name, sig=signal.SIGTERM):
        stop_process(self.procs.pop(name), sig)

    def maillog(self):
        try:
            return open(f"{self.d}/log/maillog").read()
        except FileNotFoundError:
            return ""

    def send(self, rcpts, data, sender="alice@example.org", port=None):
        """(code, text, refused rcpts) of end-of-DATA; a refused DATA or a
        refused session is its code."""
        try:
            with smtplib.SMTP("127.0.0.1", port or self.smtp, timeout=60) as s:
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
        return maildir_messages(self.d, user, folder, timeout)


def sink_copies(w, subject):
    """smtp-sink's dumps of the messages with that subject, now."""
    texts = [open(f, errors="replace").read() for f in sorted(glob.glob(f"{w.d}/sink/*"))]
    return [t for t in texts if f"\nSubject: {subject}\r\n" in t or f"\nSubject: {subject}\n" in t]


def sink_copy(w, subject, timeout=20):
    """smtp-sink's dump of the message with that subject ("" if none came)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        got = sink_copies(w, subject)
        if got:
            return got[0]
        time.sleep(0.2)
    return ""


def sink_field(dump, name):
    """The values of smtp-sink's X-... lines (X-Mail-Args, X-Rcpt-Args)."""
    return [l.split(":", 1)[1].strip() for l in dump.splitlines() if l.startswith(name + ":")]


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
    got = [m for m in w.delivered("bob") if "Subject: clean one" in m]
    head = got[0].split("\n\n", 1)[0] if got else ""
    if "\nX-Spam-Score: 0\n" in head and "\nX-Spam-Status: No, score=0 required=5 tests=none\n" in head:
        ok("clean mail carries the score fields: X-Spam-Score: 0, X-Spam-Status: No, score=0 required=5")
    else:
        fail("clean mail: no X-Spam-Score: 0 / X-Spam-Status: No, score=0 ... in what Dovecot stored:\n" + head)

    code, text, _ = w.send(["bob@example.net"],
                           message("gtube", "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X\r\n"))
    if code == 550 and "5.7.1 message refused as spam" in text:
        ok("GTUBE refused at end of DATA: 550 5.7.1")
    else:
        fail(f"GTUBE: {code} {text}")

    before_content(w)

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
    # SRS (--srs-domain example.net): the next hop sees the forwarder's
    # SRS0 address as the envelope sender, alice's domain and local part in it.
    mail_args = sink_field(sunk, "X-Mail-Args")
    if len(mail_args) == 1 and re.match(r"<SRS0=[A-Za-z0-9+/]{4}=[A-Z2-7]{2}=example\.org=alice@example\.net>",
                                        mail_args[0]):
        ok("redirect off-domain: smtp-sink saw the SRS0 envelope sender " + mail_args[0].split()[0])
    else:
        fail(f"redirect off-domain: the next hop's MAIL FROM is {mail_args}, wanted SRS0=...=example.org=alice@example.net")

    if len(mail_args) == 1:
        srs_bounces(w, mail_args[0].split()[0].strip("<>"))

    # A redirect to drop beside drop's own discard, one transaction: drop's
    # copy is removed and the redirected one added (removals first: the
    # delrcpt of drop would also remove a copy of drop added before it).
    code, text, refused = w.send(["todrop@example.net", "drop@example.net"], message("redirect to a discarder"))
    if code != 250 or refused:
        fail(f"redirect beside discard: {code} {text} {refused}")
    check_delivered(w, "drop", "", "redirect to a discarder",
                    "a redirect to drop beside drop's own discard: one copy for drop")

    plus_addresses(w)
    vacation(w)
    submissions(w)

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

    # A reason longer than one reply line reaches the client on several
    # lines, each with the code (smtplib joins their texts with newlines).
    code, text, refused = w.send(["refuser@example.net"], message("long refusal"))
    lines = text.split("\n")
    if code == 550 and len(lines) >= 2 and all(line.startswith("5.7.1 ") for line in lines) \
            and "and the address to write to." in lines[-1]:
        ok(f"a long reason: 550 on {len(lines)} reply lines through Postfix")
    else:
        fail(f"long refusal: {code} {text!r}")
    # The quarantine folder: Postfix puts the message on hold.
    code, text, refused = w.send(["holder@example.net"], message("hold this"))
    held = [json.loads(line) for line in w.milter_log().splitlines() if line.startswith("{") and '"quarantine"' in line]
    qid = held[-1].get("queue_id") if held else None
    deadline = time.time() + 10
    while qid and f"{qid}: milter-hold: END-OF-MESSAGE" not in w.maillog() and time.time() < deadline:
        time.sleep(0.2)
    if code == 250 and qid and f"{qid}: milter-hold: END-OF-MESSAGE" in w.maillog():
        ok(f"a message filed into the quarantine folder: held by Postfix ({qid})")
    else:
        fail(f"quarantine: {code} {text}, queue ID {qid} in the milter's log")

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


def invoice_with_exe(subject="your invoice", to="bob@example.net"):
    """A message with invoice.zip, which holds setup.exe (built with zipfile)."""
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("invoice.pdf", "%PDF-1.4 not really\n")
        z.writestr("setup.exe", b"MZ" + bytes(200))
    b64 = base64.encodebytes(zipped.getvalue()).decode().replace("\n", "\r\n")
    data = message(subject, f"--b1\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
                   f"--b1\r\nContent-Type: application/zip; name=\"invoice.zip\"\r\n"
                   f"Content-Disposition: attachment; filename=\"invoice.zip\"\r\n"
                   f"Content-Transfer-Encoding: base64\r\n\r\n{b64}--b1--\r\n",
                   "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n", to=to)
    return data


def before_content(w):
    """The forbidden attachment, the bogus HELO and the 101st recipient."""
    code, text, _ = w.send(["bob@example.net"], invoice_with_exe())
    if code == 554 and text == "5.7.0 Message rejected: forbidden attachment type (.exe in invoice.zip)":
        ok(f"a zip with an .exe refused at end of DATA: 554 {text}")
    else:
        fail(f"zip with an .exe: {code} {text}, wanted 554 5.7.0 naming .exe and invoice.zip")

    # Postfix 3.7 answers the EHLO itself with 250 (its log says
    # "milter-reject: EHLO ... 550") and gives the milter's 550 at MAIL FROM.
    for helo in ("localhost", "[127.0.0.1]", "client"):
        with smtplib.SMTP("127.0.0.1", w.smtp, timeout=60) as s:
            ehlo = s.ehlo(helo)[0]
            code, text = s.mail("alice@example.org")
        if ehlo == 250 and code == 550 and text.decode() == "5.7.1 Access denied - bogus HELO":
            ok(f"EHLO {helo}: 250, then MAIL FROM: 550 5.7.1 Access denied - bogus HELO")
        else:
            fail(f"EHLO {helo}: {ehlo}, MAIL FROM: {code} {text!r}, wanted 550 5.7.1 Access denied - bogus HELO")

    # 101 recipients at the relay's domain: the first 100 pass, the 101st is
    # deferred, and the 100 reach the next hop.
    rcpts = [f"r{i}@example.org" for i in range(1, 102)]
    code, text, refused = w.send(rcpts, message("one hundred and one"))
    if code == 250 and refused == {"r101@example.org": (452, b"4.5.3 Too many recipients")}:
        ok("the 101st recipient: 452 4.5.3 Too many recipients, the other 100 accepted")
    else:
        fail(f"101 recipients: {code} {text}, refused {refused}")
    deadline = time.time() + 20
    got = []
    while time.time() < deadline and len(got) < 100:
        got = [a for d in sink_copies(w, "one hundred and one") for a in sink_field(d, "X-Rcpt-Args")]
        time.sleep(0.3)
    if len(got) == 100 and not any("r101@" in a for a in got):
        ok("the 100 accepted recipients reached the next hop, the 101st did not")
    else:
        fail(f"101 recipients: the relay got {len(got)} recipients")


def xtext(s):
    """RFC 3461 xtext, as ORCPT carries an address: '+', '=' and bytes
    outside '!'..'~' as +XX."""
    return "".join(c if "!" <= c <= "~" and c not in "+=" else f"+{ord(c):02X}" for c in s)


GTUBE = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X"


def submit(w, helo, rcpts, data, user="anna@example.net"):
    """(code, text) of a message sent after EHLO helo and SMTP AUTH as
    user (any password: Dovecot's static passdb), from that user."""
    with smtplib.SMTP("127.0.0.1", w.smtp, timeout=60) as s:
        s.ehlo(helo)
        s.login(user, "any password")
        try:
            s.sendmail(user, rcpts, data)
            return 250, ""
        except smtplib.SMTPResponseException as e:
            return e.smtp_code, e.smtp_error.decode()


def submissions(w):
    """Authenticated submissions (the milter's default --authenticated
    submission; docs/MILTER.md "Authenticated submissions"): after SMTP
    AUTH (Dovecot's SASL, {auth_authen}) an EHLO that would be refused is
    not held against the sender, and GTUBE is not scored: relayed without
    score fields, logged as path submission; a forbidden attachment is
    still refused with 554 5.7.0."""
    code, text = submit(w, "[192.168.1.20]", ["dave@example.org"],
                        message("submitted gtube", GTUBE + "\r\n", to="dave@example.org"))
    dump = sink_copy(w, "submitted gtube")
    if code == 250 and dump and GTUBE in dump and "X-Spam-" not in dump:
        ok("a submission after EHLO [192.168.1.20] and AUTH: GTUBE relayed, without score fields")
    else:
        fail(f"submission of GTUBE: {code} {text}; at the relay: {dump[:600]!r}")
    entries = [json.loads(l) for l in w.milter_log().splitlines() if l.startswith("{")]
    mine = [e for e in entries if e.get("from") == "anna@example.net" and e.get("recipients")
            and e["recipients"][0]["to"] == "dave@example.org"]
    e = mine[-1] if mine else {}
    if (e.get("path"), e.get("auth"), e.get("helo_check"), e.get("milter")) == (
            "submission", "anna@example.net", "skipped", "accept") and not e["recipients"][0]["report"]["hits"]:
        ok("its log line: path submission, auth anna@example.net, helo_check skipped, no hits")
    else:
        fail(f"the submission's log line: {json.dumps(e)[:600]}")
    code, text = submit(w, "client.test.invalid", ["dave@example.org"],
                        invoice_with_exe("submitted invoice", to="dave@example.org"))
    if code == 554 and text == "5.7.0 Message rejected: forbidden attachment type (.exe in invoice.zip)":
        ok(f"a submission with a zip holding an .exe: 554 {text}")
    else:
        fail(f"submission of a forbidden attachment: {code} {text}, wanted 554 5.7.0")


def srs_bounces(w, srs):
    """Reverse SRS through Postfix: a bounce from <> to the SRS0 address the
    redirect above went out with is accepted and sent on to alice, whom it
    stands for (ORCPT: the SRS address); the same address with a letter of
    its hash changed is refused at RCPT with 550 5.1.1 (docs/MILTER.md,
    "Bounces")."""
    subject = "Undelivered Mail Returned to Sender (srs e2e)"
    dsn = (f"From: Mail Delivery System <MAILER-DAEMON@example.org>\r\nTo: {srs}\r\n"
           f"Subject: {subject}\r\nDate: Wed, 02 Dec 2026 08:00:00 +0000\r\n"
           f"Message-ID: <{time.time_ns()}@example.org>\r\nAuto-Submitted: auto-replied\r\n\r\n"
           "The message you forwarded could not be delivered.\r\n")
    code, text, refused = w.send([srs], dsn, sender="")
    dump = sink_copy(w, subject)
    rcpt_args, mail_args = sink_field(dump, "X-Rcpt-Args"), sink_field(dump, "X-Mail-Args")
    if (code == 250 and not refused and mail_args[:1] == ["<>"] and len(rcpt_args) == 1
            and rcpt_args[0].startswith("<alice@example.org>") and f"ORCPT=rfc822;{xtext(srs)}" in rcpt_args[0]):
        ok(f"a bounce from <> to {srs}: accepted, sent on to <alice@example.org> with ORCPT the SRS address")
    else:
        fail(f"bounce to {srs}: {code} {text} {refused}; at the relay: MAIL {mail_args}, RCPT {rcpt_args}")
    reversed_ = [e for e in (json.loads(l) for l in w.milter_log().splitlines() if l.startswith("{"))
                 if e.get("srs_reversed")]
    if reversed_ and reversed_[-1]["srs_reversed"] == [{"to": srs, "original": "alice@example.org"}]:
        ok("the milter's log: srs_reversed to alice@example.org")
    else:
        fail(f"no srs_reversed entry for {srs} in the milter's log: {reversed_[-1:] }")
    # A letter of the hash (SRS0=HHHH=...) changed, not only its case: the
    # hash compares without regard to case.
    h = srs[5]
    forged = srs[:5] + ("B" if h.upper() != "B" else "C") + srs[6:]
    code, text, refused = w.send([forged], dsn.replace(subject, subject + " forged"), sender="")
    got = refused.get(forged)
    if got and got[0] == 550 and got[1].decode().startswith("5.1.1 Invalid SRS address (hash invalid)"):
        ok(f"a bounce to {forged} (hash changed): 550 {got[1].decode()} at RCPT")
    else:
        fail(f"bounce to the forged {forged}: {code} {text} {refused}, wanted 550 5.1.1 at RCPT")
    if sink_copies(w, subject + " forged"):
        fail("the bounce to the forged SRS address reached the relay")


def plus_addresses(w, local_mailer="lmtp", relay_mailer="smtp", delivery_report=True):
    """plus.folders, plusser's setting (sift settings set ... on): mail to
    plusser+Shopping is filed into Shopping by the policy, and the milter
    leaves the recipient as it is (adding and deleting the same address
    made Postfix drop the message). carol has no such setting: her policy
    run keeps the message, and since example.net goes to Dovecot
    ({rcpt_mailer} lmtp, one of --local-mailers), whose
    lmtp_save_to_detail_mailbox would file carol+Shopping into Shopping,
    the milter sends it to carol@ (ORCPT carol+Shopping@) and it lands in
    her INBOX (docs/MILTER.md, "Plus addresses kept in INBOX"). Also
    through Sendmail (lmtp_sendmail.py): its mailer names, and no check of
    Postfix's delivery report (delivery_report=False)."""
    code, text, _ = w.send(["plusser+Shopping@example.net"], message("plus on"))
    check_delivered(w, "plusser", "Shopping", "plus on", "plus address with plus.folders on: into .Shopping")
    # NOTIFY=SUCCESS: Postfix's delivery report (to alice, relayed to
    # smtp-sink) names the final and the original recipient (the ORCPT).
    with smtplib.SMTP("127.0.0.1", w.smtp, timeout=60) as s:
        s.ehlo("client.test.invalid")
        s.sendmail("alice@example.org", ["carol+Shopping@example.net"], message("plus off"),
                   rcpt_options=["NOTIFY=SUCCESS"] if delivery_report else [])
    check_delivered(w, "carol", "", "plus off", "carol+Shopping with plus.folders off: into carol's INBOX")
    if [m for m in w.delivered("carol", "Shopping", timeout=1) if "Subject: plus off" in m]:
        fail("carol+Shopping with plus.folders off: a copy in .Shopping too")
    report = sink_copy(w, "Successful Mail Delivery Report") if delivery_report else ""
    if not delivery_report:
        pass
    elif ("Final-Recipient: rfc822; carol@example.net" in report
            and "Original-Recipient: rfc822;carol+Shopping@example.net" in report):
        ok("its delivery report: Final-Recipient carol@, Original-Recipient carol+Shopping@ (the ORCPT)")
    else:
        fail("no delivery report naming carol@ and the original carol+Shopping@ at the relay:\n" + report[-1500:])
    # A plus address relayed elsewhere ({rcpt_mailer} smtp) keeps its detail.
    code, text, _ = w.send(["dave+lists@example.org"], message("relayed plus"))
    args = sink_field(sink_copy(w, "relayed plus"), "X-Rcpt-Args")
    if code == 250 and len(args) == 1 and args[0].startswith("<dave+lists@example.org>"):
        ok("a relayed plus address keeps its detail at the next hop: " + args[0])
    else:
        fail(f"relayed plus address: {code} {text}, the next hop got {args}")
    lines = {}
    for line in w.milter_log().splitlines():
        if line.startswith("{") and '"recipients"' in line:
            e = json.loads(line)
            for r in e["recipients"]:
                lines[r["to"]] = r
    on, off = lines.get("plusser+Shopping@example.net"), lines.get("carol+Shopping@example.net")
    if (on and off and on["report"]["verdict"]["folders"] == ["Shopping"]
            and off["report"]["verdict"]["folders"] == ["INBOX"]):
        ok("the setting is per user: plusser's run files into Shopping, carol's keeps")
    else:
        fail(f"plus.folders per user: plusser {on and on['report']['verdict']}, carol {off and off['report']['verdict']}")
    relayed = lines.get("dave+lists@example.org")
    if (off and relayed and (off["mailer"], off["delivered_to"]) == (local_mailer, ["carol@example.net"])
            and (relayed["mailer"], relayed["delivered_to"]) == (relay_mailer, ["dave+lists@example.org"])):
        ok(f"the log: carol+Shopping by {local_mailer} delivered to carol@, dave+lists by {relay_mailer} as it came")
    else:
        fail(f"the log's mailer and delivered_to: carol {off and (off['mailer'], off['delivered_to'])}, "
             f"dave {relayed and (relayed['mailer'], relayed['delivered_to'])}")


def vacation(w):
    """away's script answers with vacation :days 7: two messages from one
    sender, one reply, which the outbox sends through this Postfix to
    alice's domain, the relay (smtp-sink)."""
    for n in (1, 2):
        code, text, _ = w.send(["away@example.net"], message(f"are you there {n}", to="away@example.net"))
        if code != 250:
            fail(f"vacation: message {n}: {code} {text}")
    check_delivered(w, "away", "", "are you there 2", "the messages to away are delivered")
    deadline = time.time() + 20
    while time.time() < deadline and not sink_copies(w, "Away"):
        time.sleep(0.2)
    time.sleep(3)  # room for a second reply, which must not come
    replies = sink_copies(w, "Away")
    if (len(replies) == 1 and sink_field(replies[0], "X-Mail-Args")[:1] == ["<>"]
            and any("alice@example.org" in a for a in sink_field(replies[0], "X-Rcpt-Args"))
            and "\nAuto-Submitted: auto-replied" in replies[0]):
        ok("vacation: one reply from <> to alice at the relay for two messages")
    else:
        fail(f"vacation: {len(replies)} replies at the relay, wanted one from <> to alice: "
             + "; ".join(r[:300] for r in replies))


def main():
    binary, sift = sys.argv[1], sys.argv[2]
    why = skip_reason()
    if why:
        print("SKIPPED: " + why)
        return SKIP
    d = tempfile.mkdtemp(prefix="sift-e2e-")
    w = World(binary, d)
    store = f"lmdb:{d}/state.mdb"
    with open(f"{d}/srs.secret", "w") as f:
        f.write("e2e-secret-" + str(time.time_ns()) + "\n")
    # The milter sends vacation replies through this Postfix's smtpd, which
    # relays them to smtp-sink; SRS for redirects out of example.net.
    w.milter_args["milter"] = [
        "--store", store, "--relay", f"smtp://127.0.0.1:{w.smtp}/sift-milter.test.invalid", "--spool", f"{d}/spool", "--relay-retry", "1",
        "--srs-domain", "example.net", "--srs-secret-file", f"{d}/srs.secret", "--srs-exclude", "example.net",
        "--quarantine-folder", "Quarantine"]
    try:
        run(sift, "settings", "set", "--store", store, "--user", "plusser@example.net", "plus.folders", "on")
        w.start()
        scenarios(w)
    except Exception as e:  # a step that could not run is a failure, never a pass
        fail(f"{type(e).__name__}: {e}")
    finally:
        w.stop()
    if failures:
        print("--- maillog ---\n" + w.maillog()[-6000:])
        for log in [n + ".log" for n in w.milter_args] + ["dovecot.log"]:
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
