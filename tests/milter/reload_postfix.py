#!/usr/bin/env python3
"""Reload under load through a real Postfix (the world of e2e_postfix.py:
smtpd on loopback -> sift-milter over TCP -> Dovecot LMTP): while client
threads send messages, the policy file is changed and reloads are
triggered by SIGUSR1, by the file poller and by POST /reload on the
metrics endpoint. Checks that no message was refused or tempfailed and
all were delivered, that each new policy decides the later messages, that
a broken policy is refused (422, file:line:column in the log) and the old
one goes on, and that GET /metrics counts what was sent.

Usage: reload_postfix.py SIFT_MILTER

Root, Postfix, Dovecot LMTP and smtp-sink as e2e_postfix.py (else 77,
skipped). Every daemon on 127.0.0.1, stopped by PID at the end.
"""
import glob
import json
import os
import re
import shutil
import signal
import smtplib
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from e2e_postfix import SKIP, World, message, ok, skip_reason, wait_port  # noqa: E402
from run_miltertest import fail, failures, free_port  # noqa: E402

THREADS, SESSIONS, PER_SESSION = 4, 12, 5  # 240 messages, 5 per SMTP session


def policy(version):
    return ('require "reject";\n'
            f'if header :contains "subject" "probe" {{ reject "probe refused by policy {version}"; }}\n')


def milter_options(policy_dir, metrics_port):
    """sift-milter's options in this test (and reload_sendmail.py's)."""
    return ["--policy", policy_dir, "--metrics", f"127.0.0.1:{metrics_port}", "--reload-poll", "1"]


class ReloadWorld(World):
    """The e2e world with this test's policy directory and --metrics."""

    def __init__(self, binary, d, policy_dir, metrics_port):
        super().__init__(binary, d)
        self.policy_dir, self.metrics_port = policy_dir, metrics_port

    def start_milter(self, name="milter"):
        log = open(os.path.join(self.d, "log", name + ".log"), "a")
        self.procs[name] = subprocess.Popen(
            [self.milter_binary, "--listen", f"inet:{self.mports[name]}@127.0.0.1",
             *milter_options(self.policy_dir, self.metrics_port)],
            stdout=log, stderr=subprocess.STDOUT)
        wait_port(self.mports[name], "sift-milter")
        wait_port(self.metrics_port, "sift-milter --metrics")


def write_policy(path, text):
    """As an operator should: written beside, renamed into place."""
    with open(path + ".new", "w") as f:
        f.write(text)
    os.replace(path + ".new", path)


def http(port, method, path):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method, data=b"" if method == "POST" else None)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def reloads(w):
    return [json.loads(line) for line in w.milter_log().splitlines() if line.startswith('{"reload"')]


def wait_reload(w, count, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        got = reloads(w)
        if len(got) >= count:
            return got[count - 1]
        time.sleep(0.1)
    return None


def probe(w, expect_version, label):
    code, text, _ = w.send(["bob@example.net"], message("probe " + label))
    want = f"probe refused by policy {expect_version}"
    if code == 550 and want in text:
        ok(f"{label}: a probe is refused by policy {expect_version}")
    else:
        fail(f"{label}: probe answered {code} {text!r}, expected 550 ... {want}")


def load(w, results, tid):
    for s in range(SESSIONS):
        try:
            with smtplib.SMTP("127.0.0.1", w.smtp, timeout=60) as c:
                c.ehlo("client.test.invalid")
                for m in range(PER_SESSION):
                    subject = f"load {tid}-{s}-{m}"
                    try:
                        c.sendmail("alice@example.org", ["bob@example.net"], message(subject))
                        results.append((subject, 250, ""))
                    except smtplib.SMTPResponseException as e:
                        results.append((subject, e.smtp_code, e.smtp_error.decode()))
                    except smtplib.SMTPRecipientsRefused as e:
                        results.append((subject, 0, str(e.recipients)))
        except Exception as e:  # a dropped session is what this test looks for
            results.append((f"session {tid}-{s}", -1, f"{type(e).__name__}: {e}"))


def metric(text, line_start):
    for line in text.splitlines():
        if line.startswith(line_start + " "):
            return float(line.split()[-1])
    return None


def scenarios(w, policy_file):
    probe(w, "v1", "at start")
    results = []
    threads = [threading.Thread(target=load, args=(w, results, t)) for t in range(THREADS)]
    for t in threads:
        t.start()
    pid = w.procs["milter"].pid
    # Under load: SIGUSR1 (as systemctl reload), the file poller, a broken
    # file (poller and POST /reload both refuse it), POST /reload.
    time.sleep(0.5)
    write_policy(policy_file, policy("v2"))
    os.kill(pid, signal.SIGUSR1)
    r = wait_reload(w, 1)
    if r and r["reload"] == "ok":
        ok(f"SIGUSR1 under load: reloaded ({r['trigger']}, generation {r['generation']})")
    else:
        fail(f"SIGUSR1: no reload logged: {r}")
    probe(w, "v2", "after SIGUSR1")
    n = len(reloads(w))
    time.sleep(1.1)  # a modification time the poller can tell from the last
    write_policy(policy_file, policy("v3 (files)"))
    r = wait_reload(w, n + 1)
    if r and r["reload"] == "ok" and r["trigger"] == "files":
        ok("a changed policy file under load: reloaded by the poller")
    else:
        fail(f"the poller did not reload the changed file: {reloads(w)[n:]}")
    probe(w, "v3 (files)", "after the file changed")
    n = len(reloads(w))
    time.sleep(1.1)
    write_policy(policy_file, 'require "reject";\nif true { reject "broken" }\n')
    code, body = http(w.metrics_port, "POST", "/reload")
    if code == 422 and "before.sieve:2:" in body and '"reload":"failed"' in body:
        ok("POST /reload of a broken policy: 422, its line and column, the old policy kept")
    else:
        fail(f"POST /reload of a broken policy answered {code} {body!r}")
    wait_reload(w, n + 2, timeout=4)  # the poller's own try of the same change
    probe(w, "v3 (files)", "after the broken policy")
    time.sleep(1.1)
    write_policy(policy_file, policy("v4"))
    code, body = http(w.metrics_port, "POST", "/reload")
    if code == 200 and '"reload":"ok"' in body:
        ok("POST /reload of a good policy: 200")
    else:
        fail(f"POST /reload answered {code} {body!r}")
    probe(w, "v4", "after POST /reload")
    for t in threads:
        t.join()
    time.sleep(1.5)  # a poller's reload of the last change, if it had one
    sent = THREADS * SESSIONS * PER_SESSION
    bad = [r for r in results if r[1] != 250]
    if not bad and len(results) == sent:
        ok(f"{sent} messages in {THREADS * SESSIONS} sessions under 4+ reloads: every one accepted (250)")
    else:
        fail(f"{len(bad)} of {len(results)} messages not accepted (sent {sent}): {bad[:5]}")
    # Every accepted message reached the mailbox (nothing lost).
    deadline = time.time() + 30
    subjects = set()
    while time.time() < deadline:
        subjects = set()
        for f in glob.glob(f"{w.d}/mail/bob/new/*"):
            m = re.search(r"^Subject: (load \S+)", open(f, errors="replace").read(), re.M)
            if m:
                subjects.add(m.group(1))
        if len(subjects) >= sent:
            break
        time.sleep(0.3)
    if len(subjects) == sent:
        ok(f"all {sent} delivered by Dovecot, once each")
    else:
        fail(f"{len(subjects)} of {sent} load messages delivered")
    log = w.milter_log()
    if '"milter":"tempfail"' in log:
        fail("the milter tempfailed something: " + [line for line in log.splitlines() if "tempfail" in line][0][:300])
    all_reloads = reloads(w)
    good = sum(1 for r in all_reloads if r["reload"] == "ok")
    failed = sum(1 for r in all_reloads if r["reload"] == "failed")
    broken = [r for r in all_reloads if r["reload"] == "failed"]
    if broken and all("before.sieve:2:" in r["errors"] for r in broken):
        ok(f"each refused reload ({failed}) logged with the file, line and column")
    else:
        fail(f"refused reloads: {broken}")
    code, text = http(w.metrics_port, "GET", "/metrics")
    probes = 5  # at start, after SIGUSR1, after the file changed, after the broken one, after POST
    want = {
        'sift_milter_messages_total{verdict="accept"}': sent,
        'sift_milter_messages_total{verdict="refuse"}': probes,
        'sift_milter_messages_total{verdict="tempfail"}': 0,
        'sift_milter_recipients_total{verdict="deliver"}': sent,
        'sift_milter_recipients_total{verdict="refuse"}': probes,
        'sift_milter_tempfails_total{cause="internal_error"}': 0,
        'sift_milter_reloads_total{result="ok"}': good,
        'sift_milter_reloads_total{result="failed"}': failed,
        "sift_milter_snapshot_generation": 1 + good,
        "sift_milter_eom_seconds_count": sent + probes,
    }
    wrong = {k: (metric(text, k), v) for k, v in want.items() if metric(text, k) != v}
    if code == 200 and not wrong:
        ok(f"GET /metrics counts what was sent ({sent} accepted, {probes} refused, {good} reloads, {failed} refused)")
    else:
        fail(f"GET /metrics ({code}) (got, want): {wrong}")


def main():
    binary = sys.argv[1]
    why = skip_reason()
    if why:
        print("SKIPPED: " + why)
        return SKIP
    d = tempfile.mkdtemp(prefix="sift-reload-")
    os.makedirs(f"{d}/policy")
    policy_file = f"{d}/policy/before.sieve"
    with open(policy_file, "w") as f:
        f.write(policy("v1"))
    w = ReloadWorld(binary, d, f"{d}/policy", free_port())
    try:
        w.start()
        scenarios(w, policy_file)
    except Exception as e:  # a step that could not run is a failure, never a pass
        fail(f"{type(e).__name__}: {e}")
    finally:
        w.stop()
    if failures:
        print("--- maillog ---\n" + w.maillog()[-4000:])
        print("--- milter.log ---\n" + w.milter_log()[-6000:])
        print(f"{len(failures)} failure(s); files kept in {d}")
        return 1
    shutil.rmtree(d, ignore_errors=True)
    print("all reload checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
