#!/usr/bin/env python3
"""End to end through a real Sendmail: client -> Sendmail (8.17, Debian's
.debs unpacked into a private prefix, a generated sendmail.cf, on a
loopback port) -> sift-milter (TCP, the default policy and
tests/milter/scripts, an LMDB store with a block list) -> smtp-sink (the
smart host, one file per message). Everything listens on 127.0.0.1, lives
in a temporary directory (removed when every check passed) and is stopped
by its PID. Its World(lmtp=True) (lmtp_sendmail.py, reload_sendmail.py)
delivers example.net through Sendmail's LMTP mailer to Dovecot instead.

Usage: e2e_sendmail.py SIFT_MILTER SIFT

The prefix is $SIFT_SENDMAIL_CACHE/prefix (default
/var/cache/sift-test/sendmail), which scripts/install-deps fills through
scripts/fetch-sendmail; when it is missing this runs fetch-sendmail
itself. Exit 77 (CTest: skipped) only when that download is impossible, or
without root (Sendmail runs in its own UTS namespace, below) or without
smtp-sink (postfix). Recipe and pitfalls: ../shared/SENDMAIL-NOTES.md.
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
ROOT = os.path.dirname(os.path.dirname(HERE))
SCRIPTS = os.path.join(HERE, "scripts")
SKIP = 77
sys.path.insert(0, HERE)
from run_miltertest import fail, failures, free_port  # noqa: E402  (one copy of each)
from e2e_postfix import (maildir_messages, message, ok, start_dovecot, stop_dovecot, stop_process,  # noqa: E402
                         wait_port)

SENDMAIL = "usr/libexec/sendmail/sendmail"  # /usr/sbin/sendmail is Postfix's
GTUBE = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X"
BLOCKED = "spammer@bad.example"  # on bob@example.net's block list
MAX_SIZE = 1000000  # sift-milter's --max-size
TOO_BIG = "5.3.4 Message size exceeds fixed maximum message size"
BLOCK_TEXT = b"Sender blocked by the recipient's or the site's block list"


def zip_with_exe():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("readme.txt", "see setup\n")
        z.writestr("setup.exe", b"MZ\x90\x00" + bytes(60))
    b64 = base64.encodebytes(buf.getvalue()).decode().replace("\n", "\r\n")
    return message("your files", "--b1\r\nContent-Type: text/plain\r\n\r\nsee the archive\r\n"
                   "--b1\r\nContent-Type: application/zip; name=\"files.zip\"\r\n"
                   "Content-Disposition: attachment; filename=\"files.zip\"\r\n"
                   f"Content-Transfer-Encoding: base64\r\n\r\n{b64}--b1--\r\n",
                   "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n")


# The .mc: the fragment docs/MILTER.md ("Sendmail") gives operators, with
# this run's paths and ports. All paths are absolute (no /etc/mail).
MC = """divert(-1)dnl
# Loopback-only test MTA for tests/milter/e2e_sendmail.py
divert(0)dnl
include(`{P}/usr/share/sendmail/cf/m4/cf.m4')dnl
VERSIONID(`sift e2e test MTA')dnl
OSTYPE(`linux')dnl
define(`confDOMAIN_NAME', `sm-test.example.test')dnl
define(`confDONT_PROBE_INTERFACES', `True')dnl
define(`confSERVICE_SWITCH_FILE', `{D}/etc/service.switch')dnl
define(`confTO_IDENT', `0s')dnl
FEATURE(`nocanonify')dnl
FEATURE(`accept_unresolvable_domains')dnl
FEATURE(`accept_unqualified_senders')dnl
FEATURE(`no_default_msa')dnl
DAEMON_OPTIONS(`Family=inet, Name=MTA-test, Addr=127.0.0.1, Port={smtp}')dnl
define(`QUEUE_DIR', `{D}/mqueue')dnl
define(`confPID_FILE', `{D}/run/sendmail.pid')dnl
define(`STATUS_FILE', `{D}/run/sendmail.st')dnl
define(`HELP_FILE', `{P}/etc/mail/helpfile')dnl
define(`ALIAS_FILE', `{D}/etc/aliases')dnl
define(`confQUEUE_LA', `100')dnl
define(`confREFUSE_LA', `200')dnl
define(`confMIN_FREE_BLOCKS', `100')dnl
define(`SMART_HOST', `esmtp:[127.0.0.1]')dnl
define(`ESMTP_MAILER_ARGS', `TCP $h {sink}')dnl
define(`SMTP_MAILER_ARGS', `TCP $h {sink}')dnl
define(`RELAY_MAILER_ARGS', `TCP $h {sink}')dnl
{lmtp_feature}dnl --- sift-milter: F=T tempfails when it is down or fails mid-transaction ---
INPUT_MAIL_FILTER(`sift', `S=inet:{milter}@127.0.0.1, F=T, T=C:10s;S:10s;R:10s;E:60s')dnl
define(`confMILTER_MACROS_CONNECT', `j, _, {{daemon_name}}, {{daemon_addr}}, v')dnl
define(`confMILTER_MACROS_HELO', `{{tls_version}}, {{cipher}}, {{cipher_bits}}, {{cert_subject}}, {{cert_issuer}}')dnl
define(`confMILTER_MACROS_ENVFROM', `i, {{auth_type}}, {{auth_authen}}, {{auth_author}}, {{mail_mailer}}, {{mail_host}}, {{mail_addr}}')dnl
define(`confMILTER_MACROS_ENVRCPT', `i, {{rcpt_mailer}}, {{rcpt_host}}, {{rcpt_addr}}')dnl
define(`confMILTER_MACROS_EOM', `i, {{msg_id}}')dnl
MAILER(`local')dnl
MAILER(`smtp')dnl
{lmtp_mailer}"""

# With World(lmtp=True): example.net is delivered by LMTP to Dovecot on
# 127.0.0.1 (a mailer of its own, F=z: LMTP over [IPC]), routed there by
# a mailertable (a hash map built by the prefix's makemap, as an
# operator builds /etc/mail/mailertable.db), everything else to the sink.
# MapInUnsafeDirPath: the test's directory is under /tmp, which Sendmail
# finds unsafe for a map ("unsafe map file"; /etc/mail needs no such
# option).
LMTP_FEATURE = """FEATURE(`mailertable', `hash {D}/etc/mailertable')dnl
define(`confDONT_BLAME_SENDMAIL', `MapInUnsafeDirPath')dnl
"""
LMTP_MAILER = """MAILER_DEFINITIONS
Mdovecot, P=[IPC], F=mDFMuXz, S=EnvFromSMTP/HdrFromSMTP, R=EnvToSMTP, E=\\r\\n, L=990,
	T=DNS/RFC822/SMTP, A=TCP $h {lmtp}
"""


def prefix_dir():
    """The unpacked Sendmail, fetched if missing; (path, None) or (None, why not)."""
    cache = os.environ.get("SIFT_SENDMAIL_CACHE", "/var/cache/sift-test/sendmail")
    p = os.path.join(cache, "prefix")
    if not (os.path.exists(os.path.join(cache, "stamp")) and os.access(os.path.join(p, SENDMAIL), os.X_OK)):
        print(f"no Sendmail in {p}: running scripts/fetch-sendmail", flush=True)
        r = subprocess.run([os.path.join(ROOT, "scripts", "fetch-sendmail"), cache], capture_output=True, text=True)
        if r.returncode != 0:
            return None, f"scripts/fetch-sendmail {cache} failed (exit {r.returncode}): {r.stderr.strip()}"
    return p, None


class World:
    def __init__(self, prefix, milter_binary, sift, d, lmtp=False):
        self.p, self.d, self.milter_binary = prefix, d, milter_binary
        self.smtp, self.sink, self.mport = free_port(), free_port(), free_port()
        self.lmtp = free_port() if lmtp else None
        self.procs = {}
        for sub in ("etc", "mqueue", "run", "log", "sink", "spool"):
            os.makedirs(os.path.join(d, sub))
        os.chmod(d, 0o755)
        os.chmod(os.path.join(d, "mqueue"), 0o700)
        os.chmod(os.path.join(d, "sink"), 0o777)
        # No DNS here: hosts and aliases from files (the package's nodns switch).
        shutil.copy(os.path.join(prefix, "etc/mail/service.switch-nodns"), os.path.join(d, "etc/service.switch"))
        open(os.path.join(d, "etc/aliases"), "w").close()
        self.store = "lmdb:" + os.path.join(d, "state.mdb")
        subprocess.run([sift, "list", "add", "--store", self.store, "--user", "bob@example.net", "block", BLOCKED],
                       check=True, capture_output=True)
        # The users' scripts of the other tests, and one that files by
        # whether the message the milter was shown has a Received field.
        self.scripts = os.path.join(d, "scripts")
        shutil.copytree(SCRIPTS, self.scripts)
        with open(os.path.join(self.scripts, "example.net", "tracer.sieve"), "w") as f:
            f.write('require "fileinto";\nif exists "received" { fileinto "SawReceived"; }\n'
                    'else { fileinto "NoReceived"; }\n')
        with open(os.path.join(d, "srs.secret"), "w") as f:
            f.write("a fixed test secret\n")

    def start_milter(self):
        log = open(os.path.join(self.d, "log", "milter.log"), "a")
        self.procs["milter"] = subprocess.Popen(
            [self.milter_binary, "--listen", f"inet:{self.mport}@127.0.0.1", "--policy", "default",
             "--scripts", self.scripts, "--store", self.store, "--max-size", str(MAX_SIZE),
             "--srs-domain", "fwd.example.test", "--srs-secret-file", os.path.join(self.d, "srs.secret"),
             "--srs-exclude", "example.net",
             # vacation replies go back through this Sendmail
             "--relay", f"smtp://127.0.0.1:{self.smtp}/sift-milter.example.test",
             "--spool", os.path.join(self.d, "spool"), "--relay-retry", "1",
             "--quarantine-folder", "Quarantine",
             # the LMTP mailer delivers into Dovecot's mailboxes (MILTER.md
             # "Plus addresses kept in INBOX")
             *(["--local-mailers", "dovecot"] if self.lmtp else [])],
            stdout=log, stderr=subprocess.STDOUT)
        wait_port(self.mport, "sift-milter", self.procs["milter"])

    def start(self):
        d = self.d
        self.procs["sink"] = subprocess.Popen(
            ["smtp-sink", "-4", "-u", "nobody", "-h", "sink.example.test", "-d", f"{d}/sink/%H%M%S.",
             f"127.0.0.1:{self.sink}", "256"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_port(self.sink, "smtp-sink", self.procs["sink"])
        self.start_milter()
        if self.lmtp:
            self.dovecot = True  # stopped even if it never listens
            start_dovecot(d, self.lmtp)
            with open(f"{d}/etc/mailertable", "w") as f:
                f.write("example.net dovecot:[127.0.0.1]\n")
        mc = MC.format(P=self.p, D=d, smtp=self.smtp, sink=self.sink, milter=self.mport,
                       lmtp_feature=LMTP_FEATURE.format(D=d) if self.lmtp else "",
                       lmtp_mailer=LMTP_MAILER.format(lmtp=self.lmtp) if self.lmtp else "")
        with open(f"{d}/etc/sift.mc", "w") as f:
            f.write(mc)
        with open(f"{d}/etc/sendmail.cf", "w") as cf:
            subprocess.run([os.path.join(self.p, "usr/bin/m4"), f"{d}/etc/sift.mc"], stdout=cf, check=True)
        if self.lmtp:
            # makemap reads the cf (-C: not /etc/mail/sendmail.cf).
            with open(f"{d}/etc/mailertable") as f:
                r = subprocess.run([os.path.join(self.p, "usr/sbin/makemap"), "-C", f"{d}/etc/sendmail.cf", "hash",
                                    f"{d}/etc/mailertable"], stdin=f, capture_output=True, text=True)
            if r.returncode != 0:
                raise RuntimeError(f"makemap hash {d}/etc/mailertable: exit {r.returncode}: {r.stderr.strip()}")
        cf = open(f"{d}/etc/sendmail.cf").read()
        lmtp = (f"Kmailertable hash {d}/etc/mailertable", "Mdovecot, P=[IPC], F=mDFMuXz",
                f"A=TCP $h {self.lmtp}") if self.lmtp else ()
        for want in (f"Port={self.smtp}", f"Xsift, S=inet:{self.mport}@127.0.0.1, F=T",
                     "O InputMailFilters=sift", f"O QueueDirectory={d}/mqueue", "Milter.macros.envrcpt=i,", *lmtp):
            if want not in cf:
                raise RuntimeError(f"the generated sendmail.cf lacks {want!r}: a misspelt m4 macro?")
        # Its own UTS namespace with a dotted host name: with the host name
        # `vm` (no dot) Sendmail sleeps 60 s at startup before reading the
        # cf (SENDMAIL-NOTES.md, pitfall 1). unshare and sh exec, so the
        # PID is Sendmail's; -bD: the daemon in the foreground; -X: the
        # SMTP transcript (there is no syslog).
        self.sm_log = open(f"{d}/log/sendmail.log", "w")
        self.procs["sendmail"] = subprocess.Popen(
            ["unshare", "--uts", "sh", "-c", 'hostname sm-test.example.test && exec "$0" "$@"',
             os.path.join(self.p, SENDMAIL), "-C", f"{d}/etc/sendmail.cf", "-bD", "-X", f"{d}/log/smtp.trace"],
            stdout=self.sm_log, stderr=subprocess.STDOUT, start_new_session=True)
        wait_port(self.smtp, "sendmail", self.procs["sendmail"])

    def sendmail_cmd(self, *args):
        """Output of the prefix's sendmail with this cf and args (-bp:
        mailq), in a UTS namespace as the daemon (a host name without a
        dot stalls every start 60 s)."""
        r = subprocess.run(["unshare", "--uts", "sh", "-c", 'hostname sm-test.example.test && exec "$0" "$@"',
                            os.path.join(self.p, SENDMAIL), "-C", f"{self.d}/etc/sendmail.cf", *args],
                           capture_output=True, text=True, timeout=30)
        return r.stdout + r.stderr

    def session_pids(self, sid):
        """Processes left in Sendmail's session (its delivery children)."""
        pids = []
        for stat in glob.glob("/proc/[0-9]*/stat"):
            try:
                fields = open(stat).read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[3]) == sid:
                pids.append(int(stat.split("/")[2]))
        return pids

    def stop(self):
        sm = self.procs.get("sendmail")
        for name in ("sendmail", "milter", "sink"):
            if name in self.procs:
                self.stop_proc(name)
        if getattr(self, "dovecot", False):
            stop_dovecot(self.d)
        if sm is not None:
            # Children Sendmail forked (a delivery, an SMTP session) are in
            # its session; none may outlive it.
            for pid in self.session_pids(sm.pid):
                fail(f"a Sendmail process ({pid}) outlived the daemon; killed")
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass

    def stop_proc(self, name, sig=signal.SIGTERM):
        stop_process(self.procs.pop(name), sig)

    def milter_log(self):
        """sift-milter's output, as text (as e2e_postfix.World's)."""
        try:
            return open(f"{self.d}/log/milter.log", errors="replace").read()
        except FileNotFoundError:
            return ""

    def delivered(self, user, folder="", timeout=20):
        """With lmtp: what Dovecot filed into user's folder."""
        return maildir_messages(self.d, user, folder, timeout)

    def log_entries(self):
        """sift-milter's JSON lines, parsed."""
        return [json.loads(line) for line in self.milter_log().splitlines() if line.startswith("{")]

    def send(self, rcpts, data, sender="alice@example.org", helo="client.example.test"):
        """(code, text, refused rcpts) of end-of-DATA; a refused command is its code."""
        try:
            with smtplib.SMTP("127.0.0.1", self.smtp, local_hostname=helo, timeout=60) as s:
                refused = s.sendmail(sender, rcpts, data)
                return 250, "", refused
        except smtplib.SMTPRecipientsRefused as e:
            return 0, "all recipients refused", e.recipients
        except smtplib.SMTPResponseException as e:
            return e.smtp_code, e.smtp_error.decode(errors="replace"), {}


def sink_copies(w, subject, timeout=15, settle=0.5):
    """smtp-sink's dumps of the messages with that subject, waiting for the first."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        got = [f for f in glob.glob(f"{w.d}/sink/*") if f"Subject: {subject}\n" in open(f, errors="replace").read()]
        if got:
            time.sleep(settle)  # another copy of the same message?
            break
        time.sleep(0.1)
    return [open(f, errors="replace").read() for f in glob.glob(f"{w.d}/sink/*")
            if f"Subject: {subject}\n" in open(f, errors="replace").read()]


def rcpt_args(dump):
    return [l[len("X-Rcpt-Args: "):] for l in dump.splitlines() if l.startswith("X-Rcpt-Args: ")]


def header_part(dump):
    return dump.split("\n\n", 1)[0]


def queue_id_of(text):
    """Sendmail's 250 after DATA: "2.0.0 0B2DfC3Y000123 Message accepted for delivery"."""
    m = re.search(r"\b([0-9A-Za-z]{14})\b Message accepted", text)
    return m.group(1) if m else None


def check_quarantined(w, code, qid, reason):
    """Message qid is held in Sendmail's queue as quarantined with reason:
    its queue file is hf<qid> (Sendmail renames qf to hf) with the line
    q<reason>, its data file df<qid> is there, `mailq -qQ` lists it and
    plain `mailq` does not, and nothing of it reaches the next hop; then
    the postmaster's release (sendmail -Q -qQ -qI<qid>) delivers it, once,
    with the milter's fields."""
    hf = f"{w.d}/mqueue/hf{qid}"
    deadline = time.time() + 10
    while qid and not os.path.exists(hf) and time.time() < deadline:
        time.sleep(0.1)
    time.sleep(2)  # room for a delivery, which must not come
    try:
        qlines = open(hf, errors="replace").read().splitlines()
    except (OSError, TypeError):
        qlines = []
    held, normal = (w.sendmail_cmd("-bp", "-qQ"), w.sendmail_cmd("-bp")) if qid else ("", "")
    if (code == 250 and "q" + reason in qlines and os.path.exists(f"{w.d}/mqueue/df{qid}")
            and not os.path.exists(f"{w.d}/mqueue/qf{qid}") and f"QUARANTINE: {reason}" in held
            and qid in held and qid not in normal and not sink_copies(w, "hold this", timeout=0.5)):
        ok(f"quarantined: {qid} held in Sendmail's queue (hf file, q line, in mailq -qQ only), not delivered")
    else:
        fail(f"quarantine: {code}, queue ID {qid}, queue {sorted(os.listdir(w.d + '/mqueue'))}, "
             f"queue file {qlines}, mailq -qQ: {held!r}, mailq: {normal!r}")
        return
    # -Q without a reason takes the quarantine off; the queue run delivers.
    released = w.sendmail_cmd("-Q", "-qQ", "-qI" + qid) + w.sendmail_cmd("-qI" + qid)
    got = sink_copies(w, "hold this")
    if len(got) == 1 and "X-Spam-Score:" in header_part(got[0]) and not os.listdir(f"{w.d}/mqueue"):
        ok("released (sendmail -Q -qQ -qI<id>; -qI<id>): delivered once with the milter's fields, the queue empty")
    else:
        fail(f"release of {qid}: {released!r}; {len(got)} copies at the sink; queue {os.listdir(w.d + '/mqueue')}")


def scenarios(w):
    # 1. Clean mail: delivered with the score fields; the log line has
    # Sendmail's queue ID (macro i) from MAIL FROM on.
    with smtplib.SMTP("127.0.0.1", w.smtp, local_hostname="client.example.test", timeout=60) as s:
        s.ehlo()
        s.mail("alice@example.org")
        s.rcpt("bob@example.net")
        code, text = s.data(message("clean one"))
    text = text.decode(errors="replace")
    qid = queue_id_of(text)
    if code == 250 and qid:
        ok(f"clean mail accepted: 250 {text}")
    else:
        fail(f"clean mail: {code} {text}")
    got = sink_copies(w, "clean one")
    h = header_part(got[0]) if len(got) == 1 else ""
    if (re.search(r"^X-Spam-Score: -?[0-9.]+", h, re.M) and re.search(r"^X-Spam-Status: No", h, re.M)
            and rcpt_args(got[0]) and rcpt_args(got[0])[0].startswith("<bob@example.net>")):
        ok("clean mail delivered once to bob@example.net with X-Spam-Score and X-Spam-Status")
    else:
        fail(f"clean mail at the sink: {len(got)} copies: {h[:1500]}")
    lines = [e for e in w.log_entries() if e.get("queue_id") == qid and "recipients" in e]
    if len(lines) == 1 and lines[0]["milter"] == "accept" and lines[0]["edits"] == 2:
        ok(f"the log line names Sendmail's queue ID {qid}")
    else:
        fail(f"log lines for queue ID {qid}: {lines}")

    # 1b. Forged score fields are removed (smfi_chgheader by index: the
    # indexes count the fields the milter was shown), the milter's added;
    # tracer's script tells whether it saw a Received field.
    forged = "X-Spam-Score: -100\r\nX-Spam-Status: No, score=-100 forged\r\n"
    code, text, _ = w.send(["tracer@example.net"], message("forged fields", extra=forged))
    got = sink_copies(w, "forged fields")
    h = header_part(got[0]) if len(got) == 1 else ""
    scores = re.findall(r"^X-Spam-(?:Score|Status):.*", h, re.M)
    if code == 250 and len(scores) == 2 and "-100" not in h:
        ok(f"forged X-Spam-* fields removed, the milter's added: {scores}")
    else:
        fail(f"forged score fields: {code} {text}: {h[:1500]}")
    # Sendmail, like Postfix, does not show the milter its own Received
    # field (it is above the milter's inserted fields in the delivered
    # copy): the script sees none.
    addrs = [a.split()[0] for dump in got for a in rcpt_args(dump)]
    received = h.find("\nReceived: from client.example.test")
    if addrs == ["<tracer+NoReceived@example.net>"] and received > h.find("X-Spam-Status:") >= 0:
        ok("the milter is not shown Sendmail's Received field; smfi_insheader(0) goes above it")
    else:
        fail(f"Sendmail's Received field and the milter: delivered to {addrs}: {h[:1500]}")

    # 1c. Two messages in one SMTP session: each has its own queue ID (i
    # at MAIL FROM) in its own log line.
    with smtplib.SMTP("127.0.0.1", w.smtp, local_hostname="client.example.test", timeout=60) as s:
        s.ehlo()
        ids = []
        for n in (1, 2):
            s.mail("alice@example.org")
            s.rcpt("carol@example.net")
            code, text = s.data(message(f"session message {n}"))
            ids.append(queue_id_of(text.decode(errors="replace")))
    logged = [e.get("queue_id") for e in w.log_entries() if e.get("recipients")
              and e["recipients"][0]["to"] == "carol@example.net"]
    if None not in ids and ids[0] != ids[1] and all(logged.count(i) == 1 for i in ids) \
            and all(len(sink_copies(w, f"session message {n}")) == 1 for n in (1, 2)):
        ok(f"two messages in one session: queue IDs {ids}, one log line and one copy each")
    else:
        fail(f"two messages in one session: replies' IDs {ids}, logged {logged}")

    # 1d. Size: SIZE= above --max-size at MAIL FROM; an undeclared message
    # that passes it at the body chunk, answered after DATA.
    with smtplib.SMTP("127.0.0.1", w.smtp, local_hostname="client.example.test", timeout=60) as s:
        s.ehlo()
        code, text = s.mail("alice@example.org", [f"SIZE={2 * MAX_SIZE}"])
    if (code, text.decode(errors="replace")) == (552, TOO_BIG):
        ok(f"SIZE={2 * MAX_SIZE} refused at MAIL FROM: {code} {TOO_BIG}")
    else:
        fail(f"declared size: {code} {text!r}")
    code, text, _ = w.send(["bob@example.net"], message("big one", ("x" * 998 + "\r\n") * (MAX_SIZE // 1000 + 50)))
    if (code, text) == (552, TOO_BIG) and not sink_copies(w, "big one", timeout=1):
        ok(f"a message passing --max-size in its body: {code} {text}")
    else:
        fail(f"actual size: {code} {text}")

    # 1e. A raw 8-bit header without SMTPUTF8 (Sendmail does not offer it).
    code, text, _ = w.send(["bob@example.net"], message("caf\u00e9 cr\u00e8me").encode())
    if (code, text) == (550, "5.6.7 The message contains a Unicode character in a disallowed header"):
        ok(f"an 8-bit Subject without SMTPUTF8: {code} {text}")
    else:
        fail(f"8-bit header: {code} {text}")

    # 2. GTUBE: refused at end of DATA.
    code, text, _ = w.send(["bob@example.net"], message("gtube", GTUBE + "\r\n"))
    if code == 550 and text.startswith("5.7.1") and not sink_copies(w, "gtube", timeout=1):
        ok(f"GTUBE refused: {code} {text}")
    else:
        fail(f"GTUBE: {code} {text}")

    # 3. A zip holding an .exe: 554 5.7.0 with the policy's reason.
    code, text, _ = w.send(["bob@example.net"], zip_with_exe())
    if code == 554 and text == "5.7.0 Message rejected: forbidden attachment type (.exe in files.zip)":
        ok(f"zip with an .exe refused: {code} {text}")
    else:
        fail(f"zip with an .exe: {code} {text}")

    # 4. A bogus HELO. The milter (--authenticated submission, the default)
    # answers it at the MAIL FROM after it, where a login would show, so
    # Sendmail's HELO reply is its own 250 and the 550 5.7.1 comes at MAIL
    # FROM from the milter (one "mail" log line naming the HELO). (A
    # refusal at HELO itself, --authenticated inbound, Sendmail keeps for
    # every later command, srvrsmtp.c's "nullserver", without asking the
    # milter again.)
    with smtplib.SMTP("127.0.0.1", w.smtp, timeout=60) as s:
        hcode, htext = s.helo("localhost")
        mcode, mtext = s.mail("alice@example.org")
    htext, mtext = htext.decode(errors="replace"), mtext.decode(errors="replace")
    helo_lines = [(e["stage"], e["reply"]) for e in w.log_entries() if "localhost" in e.get("detail", "")]
    # (Sendmail puts the sender in front of a milter's MAIL FROM refusal.)
    if (hcode == 250 and (mcode, mtext) == (550, "5.7.1 <alice@example.org>... Access denied - bogus HELO")
            and helo_lines == [("mail", "550 5.7.1 Access denied - bogus HELO")]):
        ok(f"bogus HELO refused: HELO {hcode} (Sendmail's), MAIL {mcode} {mtext}")
    else:
        fail(f"bogus HELO: HELO {hcode} {htext}, MAIL {mcode} {mtext}, log {helo_lines}")
    # The other bogus forms of e2e_postfix: an address literal, a name
    # without a dot.
    for helo in ("[127.0.0.1]", "client"):
        with smtplib.SMTP("127.0.0.1", w.smtp, timeout=60) as s:
            ecode = s.ehlo(helo)[0]
            mcode, mtext = s.mail("alice@example.org")
        want = "5.7.1 <alice@example.org>... Access denied - bogus HELO"  # the milter's, at MAIL FROM
        if ecode == 250 and (mcode, mtext.decode(errors="replace")) == (550, want):
            ok(f"EHLO {helo}: 250 (Sendmail's), then MAIL FROM: 550 {want}")
        else:
            fail(f"EHLO {helo}: {ecode}, MAIL FROM: {mcode} {mtext!r}, wanted 550 {want}")

    # 5. 101 recipients: the 101st gets 452 4.5.3, the 100 others the mail.
    rcpts = [f"user{i}@example.net" for i in range(1, 102)]
    code, text, refused = w.send(rcpts, message("many", to="list@example.net"))
    got = sink_copies(w, "many")
    delivered = sorted(a.split()[0] for dump in got for a in rcpt_args(dump))
    want = sorted(f"<{r}>" for r in rcpts[:100])
    if (code == 250 and list(refused) == ["user101@example.net"]
            and refused["user101@example.net"] == (452, b"4.5.3 Too many recipients") and delivered == want):
        ok("the 101st recipient: 452 4.5.3 Too many recipients; the other 100 delivered")
    else:
        fail(f"101 recipients: {code} {text} refused={refused} delivered {len(delivered)}")

    # 6. Per recipient at RCPT: the sender is on bob's block list only.
    code, text, refused = w.send(["bob@example.net", "carol@example.net"], message("from a spammer"), sender=BLOCKED)
    got = sink_copies(w, "from a spammer")
    delivered = [a.split()[0] for dump in got for a in rcpt_args(dump)]
    blocked = [e for e in w.log_entries() if e.get("stage") == "rcpt" and BLOCKED in e.get("detail", "")]
    if (code == 250 and list(refused) == ["bob@example.net"] and refused["bob@example.net"][0] == 550
            # Sendmail puts the address in front of a milter's RCPT refusal.
            and refused["bob@example.net"][1] == b"5.7.1 <bob@example.net>... " + BLOCK_TEXT
            and delivered == ["<carol@example.net>"]
            and len(blocked) == 1 and blocked[0]["queue_id"] != "NOQUEUE"):
        ok(f"block-listed sender: bob's RCPT 550 5.7.1, carol's delivered (logged as {blocked[0]['queue_id']})")
    else:
        fail(f"block list: {code} {text} refused={refused} delivered={delivered} log={blocked}")

    # 7. fileinto through the envelope: two users' scripts in one message,
    # filer's "Work Stuff" and junk's "Junk", carol's INBOX (no script).
    code, text, refused = w.send(["filer@example.net", "junk@example.net", "carol@example.net"],
                                 message("three ways"))
    got = sink_copies(w, "three ways")
    args = sorted(a for dump in got for a in rcpt_args(dump))
    addrs = sorted(a.split()[0] for a in args)
    want = ["<carol@example.net>", "<filer+Work=20Stuff@example.net>", "<junk+Junk@example.net>"]
    if code == 250 and not refused and addrs == want:
        ok("fileinto as user+Folder: filer+Work=20Stuff, junk+Junk, carol unchanged, originals removed")
    else:
        fail(f"three ways: {code} {text} {refused}; at the sink: {args}")
    if any(a.startswith("<filer+Work=20Stuff@example.net>") and "ORCPT=rfc822;filer@example.net" in a for a in args):
        ok("the added recipient carries ORCPT=rfc822;filer@example.net to the next hop (smfi_addrcpt_par)")
    else:
        fail(f"no ORCPT=rfc822;filer@example.net at the sink: {args}")

    # 8. redirect off-domain: smfi_chgfrom to the SRS address, smfi_addrcpt.
    code, text, refused = w.send(["fwd@example.net"], message("forward me"))
    got = sink_copies(w, "forward me")
    mail_args = [l for dump in got for l in dump.splitlines() if l.startswith("X-Mail-Args:")]
    addrs = [a.split()[0] for dump in got for a in rcpt_args(dump)]
    if (code == 250 and addrs == ["<elsewhere@example.org>"]
            and any(re.search(r"<SRS0=[^=]{4}=[^=]{2}=example\.org=alice@fwd\.example\.test>", l) for l in mail_args)):
        ok("redirect off-domain: to elsewhere@example.org from the SRS0 sender (smfi_chgfrom)")
    else:
        fail(f"redirect with SRS: {code} {text}; rcpts {addrs}; {mail_args}")

    # 8b. A user's replace (smfi_replacebody after the header edits): the
    # next hop gets the new header and body only.
    code, text, _ = w.send(["replacer@example.net"], message("to be replaced", "the old body\r\n"))
    got = sink_copies(w, "Replaced")
    if (code == 250 and len(got) == 1 and "The original message was replaced." in got[0]
            and "the old body" not in got[0] and "\nSubject: to be replaced" not in got[0]
            and "\nOriginal-Subject: to be replaced" in got[0]):
        ok("replace: the new header and body reach the next hop, nothing of the old")
    else:
        fail(f"replace: {code} {text}; at the sink: {[m[:600] for m in got]}")

    # 8c. discard alone (SMFIS_DISCARD: 250, nothing delivered) and beside
    # keep (smfi_delrcpt of drop only); redirect :copy keeps the recipient.
    code, text, _ = w.send(["drop@example.net"], message("drop me"))
    if code == 250 and not sink_copies(w, "drop me", timeout=2):
        ok("discard alone: 250 to the client, nothing delivered")
    else:
        fail(f"discard alone: {code} {text}")
    code, text, _ = w.send(["drop@example.net", "copy@example.net"], message("drop and copy"))
    addrs = sorted(a.split()[0] for dump in sink_copies(w, "drop and copy") for a in rcpt_args(dump))
    if code == 250 and addrs == ["<archive@example.org>", "<copy@example.net>"]:
        ok("discard beside redirect :copy: drop removed, copy kept, archive@example.org added")
    else:
        fail(f"discard beside copy: {code} {text}; at the sink: {addrs}")

    # 8d. A refusing user's script: deferred (452) beside another
    # recipient, refused with its reason alone.
    code, text, refused = w.send(["bob@example.net", "refuser@example.net"], message("refuse me"))
    if code == 250 and refused.get("refuser@example.net", (0,))[0] == 452:
        ok("a refusing user's script beside another recipient: its RCPT deferred with 452")
    else:
        fail(f"refuser beside bob: {code} {text} {refused}")
    code, text, _ = w.send(["refuser@example.net"], message("refuse me"))
    if code == 550 and "not wanted here" in text:
        ok(f"the same recipient alone: {code} {text}")
    else:
        fail(f"refuser alone: {code} {text}")

    # 8d'. A reason longer than one reply line (smfi_setmlreply): the
    # client gets a 550 on several lines, each with the codes (smtplib
    # joins their texts with newlines).
    code, text, _ = w.send(["refuser@example.net"], message("long refusal"))
    lines = text.split("\n")
    if code == 550 and len(lines) >= 2 and all(line.startswith("5.7.1 ") for line in lines) \
            and lines[0].startswith("5.7.1 This message is not wanted here") \
            and lines[-1].endswith("and the address to write to."):
        ok(f"a long reason: 550 on {len(lines)} reply lines through Sendmail")
    else:
        fail(f"long refusal: {code} {text!r}")

    # 8d''. --quarantine-folder: a message filed into Quarantine is held in
    # Sendmail's queue as quarantined (smfi_quarantine), not delivered.
    with smtplib.SMTP("127.0.0.1", w.smtp, local_hostname="client.example.test", timeout=60) as s:
        s.ehlo()
        s.mail("alice@example.org")
        s.rcpt("holder@example.net")
        code, text = s.data(message("hold this"))
    check_quarantined(w, code, queue_id_of(text.decode(errors="replace")),
                      "sift: holder@example.net's run filed it into Quarantine")

    # 8e. A vacation reply: two messages from alice to away, one reply,
    # sent by the outbox through this Sendmail (and the milter) to the sink.
    for n in (1, 2):
        code, text, _ = w.send(["away@example.net"], message(f"are you there {n}", to="away@example.net"))
        if code != 250:
            fail(f"vacation: message {n}: {code} {text}")
    replies = sink_copies(w, "Away", timeout=20, settle=3)  # room for a second reply, which must not come
    if (len(replies) == 1 and [l for l in replies[0].splitlines() if l.startswith("X-Mail-Args: <>")]
            and [a for a in rcpt_args(replies[0]) if a.startswith("<alice@example.org>")]
            and "\nAuto-Submitted: auto-replied" in replies[0]):
        ok("vacation: one reply from <> to alice through Sendmail for two messages")
    else:
        fail(f"vacation: {len(replies)} replies at the sink, wanted one from <> to alice: "
             + "; ".join(r[:400] for r in replies))

    # 8f. RSET after RCPT (SMFIC_ABORT): nothing of the aborted transaction
    # reaches the next message.
    with smtplib.SMTP("127.0.0.1", w.smtp, local_hostname="client.example.test", timeout=60) as s:
        s.ehlo()
        s.mail("alice@example.org")
        s.rcpt("filer@example.net")
        s.rset()
        s.sendmail("alice@example.org", ["carol@example.net"], message("after a reset"))
    addrs = [a.split()[0] for dump in sink_copies(w, "after a reset") for a in rcpt_args(dump)]
    if addrs == ["<carol@example.net>"]:
        ok("RSET after RCPT: the next message has only its own recipient")
    else:
        fail(f"after RSET: at the sink {addrs}")

    # 9. The milter killed (SIGKILL) between RCPT and DATA: Sendmail
    # tempfails (F=T); after a restart the same message goes through, once.
    data = message("after the crash")
    with smtplib.SMTP("127.0.0.1", w.smtp, local_hostname="client.example.test", timeout=60) as s:
        s.ehlo()
        s.mail("alice@example.org")
        s.rcpt("carol@example.net")
        w.stop_proc("milter", signal.SIGKILL)
        try:
            code, text = s.data(data)
        except smtplib.SMTPDataError as e:  # refused at DATA itself
            code, text = e.smtp_code, e.smtp_error
    if 400 <= code < 500:
        ok(f"milter killed mid-transaction: Sendmail answered {code} {text.decode(errors='replace')}")
    else:
        fail(f"milter killed mid-transaction: {code} {text!r}")
    if sink_copies(w, "after the crash", timeout=1):
        fail("the message of the killed milter's transaction was delivered unfiltered")
    w.start_milter()
    code, text, _ = w.send(["carol@example.net"], data)
    got = sink_copies(w, "after the crash")
    if code == 250 and len(got) == 1 and "X-Spam-Score:" in header_part(got[0]):
        ok("the retry after the restart: filtered and delivered, once")
    else:
        fail(f"retry after restart: {code} {text}; {len(got)} copies")


def skip_reason(lmtp=False):
    """(the Sendmail prefix, None), or (None, why a test of this World
    cannot run here); with lmtp, Dovecot LMTP is needed too."""
    if os.geteuid() != 0:
        return None, "needs root (Sendmail runs in its own UTS namespace: unshare --uts)"
    missing = [t for t in ("smtp-sink", "unshare", *(("dovecot", "doveadm") if lmtp else ())) if not shutil.which(t)]
    if lmtp and not os.path.exists("/usr/lib/dovecot/lmtp"):
        missing.append("dovecot-lmtpd")
    if missing:
        return None, "not installed: " + ", ".join(missing) + " (scripts/install-deps installs them)"
    prefix, why = prefix_dir()
    if prefix is None:
        return None, "no Sendmail to run: " + why
    return prefix, None



def run_in_world(w, d, checks, logs, passed, also=None):
    """Starts World `w` (its files in `d`), runs `checks`, stops it, and
    reports: a step that could not run is a failure, never a pass; mail
    left in Sendmail's queue is a failure (`also` may check more). On
    failure prints the tails of `logs` (under d/log) and keeps `d`;
    returns the exit status."""
    try:
        w.start()
        checks()
    except Exception as e:
        fail(f"{type(e).__name__}: {e}")
    finally:
        w.stop()
    left = os.listdir(f"{d}/mqueue")
    if left:
        fail(f"Sendmail's queue is not empty at the end (mail not delivered): {left}")
    if also:
        also()
    if failures:
        for log in logs:
            try:
                print(f"--- {log} ---\n" + open(f"{d}/log/{log}", errors="replace").read()[-5000:])
            except FileNotFoundError:
                pass
        print(f"{len(failures)} failure(s); files kept in {d}")
        return 1
    shutil.rmtree(d, ignore_errors=True)
    print(passed)
    return 0


def main():
    milter, sift = sys.argv[1], sys.argv[2]
    prefix, why = skip_reason()
    if prefix is None:
        print("SKIPPED: " + why)
        return SKIP
    d = tempfile.mkdtemp(prefix="sift-e2e-sendmail-")
    w = World(prefix, milter, sift, d)
    def outbox_empty():
        left = os.listdir(f"{d}/spool")
        if left:
            fail(f"the milter's outbox is not empty at the end (a reply not sent): {left}")

    return run_in_world(w, d, lambda: scenarios(w), ("milter.log", "sendmail.log", "smtp.trace"),
                        "all Sendmail end-to-end checks passed", outbox_empty)


if __name__ == "__main__":
    sys.exit(main())
