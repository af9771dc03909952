#!/usr/bin/env python3
"""Differential test: run every case through Dovecot Pigeonhole's sieve-test
and through `sift run --json`, normalise both outcomes to a canonical set of
actions and compare them.

usage: run.py --sift PATH [--cases FILE] [--sieve-test PATH] [-v] [-k FILTER]

Manifest format (cases.txt), one case per line, '#' starts a comment line:

    SCRIPT MESSAGE [FROM [TO]] [| known: REASON]

SCRIPT is relative to scripts/, MESSAGE relative to messages/. FROM and TO
default to sender@example.com and recipient@example.com; the literal '-'
passes no envelope option to either tool (both then derive the sender from
Return-Path). A trailing "| known: REASON" marks a documented divergence
where Pigeonhole deviates from RFC 5228 on purpose (or cannot express the
situation) and Sift is believed right: such a case is reported as KNOWN and
counted separately, never as a pass. If the tools unexpectedly agree on a
known case it is reported as XPASS (also not a failure, but visible).

Canonical outcome:
  * "compile_error" if the script is rejected at compile time;
  * "runtime_error" if execution fails (both tools then fall back to the
    implicit keep, which is not compared further);
  * otherwise a set of delivery actions: "keep" (explicit keep, implicit
    keep and fileinto "INBOX" are the same delivery), "fileinto:BOX",
    "redirect:ADDR"; "discard" is what remains when no delivery is left
    (a discard alongside a delivery is a no-op: RFC 5228 4.5 only cancels
    the implicit keep).
"""

import argparse
import concurrent.futures
import json
import os
import pwd
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_FROM = "sender@example.com"
DEFAULT_TO = "recipient@example.com"
TIMEOUT = 20


class Case:
    def __init__(self, lineno, script, message, env_from, env_to, known):
        self.lineno = lineno
        self.script = script
        self.message = message
        self.env_from = env_from
        self.env_to = env_to
        self.known = known

    @property
    def name(self):
        return "%s @ %s" % (os.path.splitext(self.script)[0], os.path.splitext(self.message)[0])


def parse_manifest(path):
    cases = []
    with open(path, encoding="utf-8") as f:
        for lineno, raw in enumerate(f, 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            known = None
            if "|" in line:
                line, _, note = line.partition("|")
                note = note.strip()
                if not note.startswith("known:"):
                    raise SystemExit("%s:%d: expected '| known: REASON'" % (path, lineno))
                known = note[len("known:"):].strip() or "(no reason given)"
            fields = line.split()
            if len(fields) < 2 or len(fields) > 4:
                raise SystemExit("%s:%d: expected SCRIPT MESSAGE [FROM [TO]]" % (path, lineno))
            script, message = fields[0], fields[1]
            env_from = fields[2] if len(fields) > 2 else DEFAULT_FROM
            env_to = fields[3] if len(fields) > 3 else DEFAULT_TO
            for rel, sub in ((script, "scripts"), (message, "messages")):
                if not os.path.isfile(os.path.join(HERE, sub, rel)):
                    raise SystemExit("%s:%d: no such file %s/%s" % (path, lineno, sub, rel))
            cases.append(Case(lineno, script, message, env_from, env_to, known))
    return cases


def finish(actions):
    """Drop discards that sit beside a delivery; empty means discarded."""
    delivered = {a for a in actions if a not in ("discard", "vacation")}
    replies = {a for a in actions if a == "vacation"}  # a reply is no delivery
    return frozenset(delivered | replies) if delivered else frozenset({"discard"} | replies)


def mailbox_action(box):
    # keep stores into INBOX, so fileinto "INBOX" is the same delivery.
    return "keep" if box == "INBOX" else "fileinto:" + box


# --------------------------------------------------------------- Pigeonhole

ST_ACTION = re.compile(r"^\s*\*\s+(.*?)\s*$")
ST_FLAGS = re.compile(r"^\s*\+ add IMAP flags:\s*(.*?)\s*$")


def reason_key(text):
    """sieve-test prints control characters of a reason as '?' (a CRLF as
    "??"): compare reasons with line breaks and that stand-in blurred."""
    return re.sub(r"[\r\n?]+", " ", text).strip()


def with_flags(action, flags):
    """Flags compare caselessly and as a set (RFC 5232 §3); Pigeonhole
    prints system flags in lower case."""
    if not flags:
        return action
    return action + "{" + " ".join(sorted({f.lower() for f in flags})) + "}"


def parse_sieve_test(rc, out, err):
    if "failed to compile sieve script" in err or "validation failed" in err:
        return frozenset({"compile_error"}), None
    if rc != 0 or "final result: failed" in err:
        if "final result: failed" in err:
            return frozenset({"runtime_error"}), None
        return None, "sieve-test exited %d: %s" % (rc, err.strip()[-400:])
    if "Performed actions:" not in out or "Implicit keep:" not in out:
        return None, "unrecognised sieve-test output"
    actions = []
    section = None
    for line in out.splitlines():
        if line.startswith("Performed actions:"):
            section = "performed"
            continue
        if line.startswith("Implicit keep:"):
            section = "implicit"
            continue
        flags = ST_FLAGS.match(line)
        if flags and actions and section is not None:
            actions[-1] = with_flags(actions[-1], flags.group(1).split())
            continue
        m = ST_ACTION.match(line)
        if not m or section is None:
            continue
        text = m.group(1)
        if text.startswith("reject message with reason: "):
            actions.append("reject:" + reason_key(text[len("reject message with reason: "):]))
        elif text.startswith("store message in folder: "):
            actions.append(mailbox_action(text[len("store message in folder: "):]))
        elif text.startswith("redirect message to: "):
            addr = text[len("redirect message to: "):].strip()
            if addr.startswith("<") and addr.endswith(">"):
                addr = addr[1:-1]
            actions.append("redirect:" + addr)
        elif text == "discard":
            actions.append("discard")
        elif text.startswith("send vacation message"):
            # sieve-test prints the action without deciding whether a reply
            # goes out (no RFC 5230 4.5 checks, no memory across runs).
            actions.append("vacation")
        elif text.startswith("track ") and "duplicate" in text:
            pass  # duplicate's bookkeeping, not an outcome
        else:
            return None, "unknown sieve-test action line: %r" % line
    return finish(actions), None


def uses_include(case):
    with open(os.path.join(HERE, "scripts", case.script), encoding="utf-8", errors="replace") as f:
        return '"include"' in f.read()


def include_config(case, d):
    """include (RFC 6609) cases: personal scripts are scripts/incl-*.sieve
    (Sift looks beside the main script), global ones scripts/global/ (Sift's
    --global-dir); sieve-test gets copies and a config naming them."""
    if not uses_include(case):
        return None
    os.makedirs(os.path.join(d, "global"))
    os.makedirs(os.path.join(d, "mail"))
    for sub in ("", "global"):
        src = os.path.join(HERE, "scripts", sub)
        for name in os.listdir(src):
            if name.startswith("incl-"):
                shutil.copyfile(os.path.join(src, name), os.path.join(d, sub, name))
    config = os.path.join(d, "dovecot.conf")
    with open(config, "w") as f:
        f.write("mail_location = maildir:%s/mail\nplugin {\n  sieve_dir = %s\n  sieve_global_dir = %s/global\n}\n"
                % (d, d, d))
    for root, dirs, files in os.walk(d):
        for x in dirs + files:
            os.chmod(os.path.join(root, x), 0o777)
    return config


def run_sieve_test(sieve_test, case, workdir):
    # sieve-test runs as nobody: private copies in a nobody-owned directory
    # (it writes the compiled .svbin next to the script).
    d = tempfile.mkdtemp(prefix="case-", dir=workdir)
    os.chmod(d, 0o755)
    script = os.path.join(d, "script.sieve")
    message = os.path.join(d, "message.eml")
    shutil.copyfile(os.path.join(HERE, "scripts", case.script), script)
    shutil.copyfile(os.path.join(HERE, "messages", case.message), message)
    for p in (script, message):
        os.chmod(p, 0o644)
    config = include_config(case, d)
    cmd = []
    if os.geteuid() == 0:
        nobody = pwd.getpwnam("nobody")
        os.chown(d, nobody.pw_uid, nobody.pw_gid)
        cmd = ["runuser", "-u", "nobody", "--"]
    cmd.append(sieve_test)
    if config:
        cmd += ["-c", config]
    if case.env_from != "-":
        cmd += ["-f", case.env_from]
    if case.env_to != "-":
        cmd += ["-r", case.env_to, "-a", case.env_to]
    cmd += [script, message]
    p = subprocess.run(cmd, capture_output=True, timeout=TIMEOUT, cwd=d,
                       env=dict(os.environ, LC_ALL="C.UTF-8"))
    out = p.stdout.decode("utf-8", "replace")
    err = p.stderr.decode("utf-8", "replace")
    outcome, problem = parse_sieve_test(p.returncode, out, err)
    return outcome, problem, (out + err).strip()


# --------------------------------------------------------------------- Sift

def parse_sift(rc, out, err):
    try:
        j = json.loads(out)
    except ValueError:
        return None, "sift exited %d without JSON: %s" % (rc, (out + err).strip()[-400:])
    status = j.get("status")
    if status == "compile_error":
        return frozenset({"compile_error"}), None
    if status == "runtime_error":
        return frozenset({"runtime_error"}), None
    if status != "ok":
        return None, "unknown sift status %r" % status
    actions = []
    for a in j.get("actions", []):
        kind = a.get("action")
        if kind == "keep":
            actions.append(with_flags(mailbox_action(a.get("mailbox") or "INBOX"), a.get("flags", [])))
        elif kind == "fileinto":
            actions.append(with_flags(mailbox_action(a.get("mailbox", "")), a.get("flags", [])))
        elif kind in ("reject", "ereject"):
            actions.append("reject:" + reason_key(a.get("reason", "")))
        elif kind == "redirect":
            actions.append("redirect:" + a.get("address", ""))
        elif kind == "discard":
            actions.append("discard")
        elif kind == "vacation":
            actions.append("vacation")  # sent or not: sieve-test cannot tell
        else:
            return None, "unknown sift action %r" % kind
    return finish(actions), None


def run_sift(sift, case):
    cmd = [sift, "run", "--json"]
    if uses_include(case):
        cmd += ["--global-dir", os.path.join(HERE, "scripts", "global")]
    if case.env_from != "-":
        cmd += ["--from", case.env_from]
    if case.env_to != "-":
        cmd += ["--to", case.env_to]
    cmd += [os.path.join(HERE, "scripts", case.script),
            os.path.join(HERE, "messages", case.message)]
    p = subprocess.run(cmd, capture_output=True, timeout=TIMEOUT)
    out = p.stdout.decode("utf-8", "replace")
    err = p.stderr.decode("utf-8", "replace")
    outcome, problem = parse_sift(p.returncode, out, err)
    return outcome, problem, (out + err).strip()


# ------------------------------------------------------------------- driver

def show(outcome):
    if outcome is None:
        return "<none>"
    return "{" + ", ".join(sorted(outcome)) + "}"


def run_case(sift, sieve_test, workdir, case):
    try:
        p_out, p_prob, p_raw = run_sieve_test(sieve_test, case, workdir)
    except Exception as e:  # noqa: BLE001 - report, never crash the pool
        p_out, p_prob, p_raw = None, "sieve-test: %s" % e, ""
    try:
        s_out, s_prob, s_raw = run_sift(sift, case)
    except Exception as e:  # noqa: BLE001
        s_out, s_prob, s_raw = None, "sift: %s" % e, ""
    return case, p_out, p_prob, p_raw, s_out, s_prob, s_raw


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sift", required=True, help="path to the sift binary")
    ap.add_argument("--cases", default=os.path.join(HERE, "cases.txt"))
    ap.add_argument("--sieve-test", default=None, help="path to sieve-test (default: from PATH)")
    ap.add_argument("-k", dest="filter", default=None, help="only cases whose name contains this")
    ap.add_argument("-v", "--verbose", action="store_true", help="show raw tool output on failure")
    args = ap.parse_args()

    sieve_test = args.sieve_test or shutil.which("sieve-test")
    if not sieve_test or not os.access(sieve_test, os.X_OK):
        print("ERROR: sieve-test (Dovecot Pigeonhole, Debian package dovecot-sieve) not found; "
              "the differential suite cannot run", file=sys.stderr)
        return 2
    if os.geteuid() == 0 and not shutil.which("runuser"):
        print("ERROR: running as root but runuser is missing", file=sys.stderr)
        return 2
    if not os.access(args.sift, os.X_OK):
        print("ERROR: sift binary %r not found or not executable" % args.sift, file=sys.stderr)
        return 2

    cases = parse_manifest(args.cases)
    if args.filter:
        cases = [c for c in cases if args.filter in c.name]
    if not cases:
        print("ERROR: no cases", file=sys.stderr)
        return 2

    workdir = tempfile.mkdtemp(prefix="sift-differential-")
    os.chmod(workdir, 0o755)
    passed = failed = known = xpass = 0
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            results = list(pool.map(lambda c: run_case(args.sift, sieve_test, workdir, c), cases))
        for case, p_out, p_prob, p_raw, s_out, s_prob, s_raw in results:
            agree = p_prob is None and s_prob is None and p_out == s_out
            detail = "pigeonhole=%s sift=%s" % (p_prob or show(p_out), s_prob or show(s_out))
            if case.known:
                if agree:
                    xpass += 1
                    print("XPASS %s  (known divergence no longer diverges: %s) %s"
                          % (case.name, case.known, detail))
                else:
                    known += 1
                    print("KNOWN %s  %s  [%s]" % (case.name, detail, case.known))
                continue
            if agree:
                passed += 1
                print("PASS  %s  %s" % (case.name, show(s_out)))
            else:
                failed += 1
                print("FAIL  %s  %s" % (case.name, detail))
                if args.verbose:
                    for label, raw in (("sieve-test", p_raw), ("sift", s_raw)):
                        print("      --- %s:" % label)
                        for line in raw.splitlines():
                            print("      " + line)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    if known or xpass:
        print("%d known divergence(s), %d unexpectedly agreeing (not counted below)" % (known, xpass))
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
