#!/usr/bin/env python3
"""sift-milter's SRS against Debian's postsrsd, side by side.

Starts postsrsd on loopback (free ports, a secret in a temporary
directory, in the foreground, stopped by its PID), then asks it and
srs_tool (tests/milter/srs_tool.cpp, over milter/srs.hpp) the same
questions: forward a few hundred generated senders (plain, mixed case,
subdomains, other forwarders' SRS0 and SRS1 addresses, our own), then
reverse every address either wrote, and a forged and a foreign one. Every
answer must agree: the address, or that both refused. For each of the
separators postsrsd takes (-a = - +).

With SIFT_MILTER: then through the milter, postsrsd's reverse answers as
the oracle. sift-milter (--srs-domain, the three secrets) gets one bounce
(miltertest, a connection each) to every SRS address postsrsd wrote, and
to each of them lower-cased and with a letter of its hash changed: where
postsrsd reverses one to X, the milter must accept it and replace it with
X (its log's srs_reversed); where postsrsd refuses, the milter must refuse
it at RCPT with 550 5.1.1.

Usage: srs_postsrsd.py SRS_TOOL [SIFT_MILTER]   (exit 77: postsrsd is not installed)
"""
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time

SKIP = 77
DOMAIN = "fwd.example"
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run_miltertest as mt  # noqa: E402
from run_miltertest import free_port  # noqa: E402


def ask(port, address):
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(f"get {address}\n".encode())
        data = b""
        while not data.endswith(b"\n"):
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
    return data.decode().strip()


def start_postsrsd(secret_file, separator):
    for _ in range(5):
        fwd, rev = free_port(), free_port()
        proc = subprocess.Popen(
            ["postsrsd", f"-s{secret_file}", f"-d{DOMAIN}", f"-a{separator}", "-l127.0.0.1", "-4",
             f"-f{fwd}", f"-r{rev}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for _ in range(50):
            try:
                ask(fwd, "probe@example.org")
                return proc, fwd, rev
            except OSError:
                if proc.poll() is not None:
                    break
                time.sleep(0.05)
        proc.kill()
        proc.wait()
    raise RuntimeError("postsrsd did not start: " + proc.stderr.read().decode(errors="replace"))


def senders(rng):
    word = lambda n: "".join(rng.choice("abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789") for _ in range(n))
    out = ["anna@example.com", "Anna@Example.COM", "x@sub.fwd.example", "user@FWD.EXAMPLE",
           "first.last+tag@mail.example.org", "a-b_c@x-y.example", "noat"]
    for _ in range(200):
        local = rng.choice([word(rng.randint(1, 12)), word(3) + "." + word(5), word(4) + "+" + word(3),
                            word(2) + "-" + word(6)])
        domain = rng.choice([word(5).lower() + ".example", word(3) + "." + word(6) + ".test",
                             "Mixed" + word(3) + ".EXAMPLE.net"])
        kind = rng.random()
        if kind < 0.15:
            sep = rng.choice("=-+")
            local = f"SRS0{sep}{word(4)}={word(2).upper()}={domain}={local}"
            domain = word(6).lower() + ".forwarder.example"
        elif kind < 0.25:
            sep = rng.choice("=-+")
            local = f"SRS1={word(4)}={word(5).lower()}.example={sep}{word(4)}=AB=x.example={local}"
            domain = word(6).lower() + ".forwarder.example"
        out.append(f"{local}@{domain}")
    return out


def ours(tool, lines):
    r = subprocess.run([tool, "--domain", DOMAIN, "--secret", SECRET, "--separator", SEPARATOR,
                        "--now", str(int(time.time()))],
                       input="".join(l + "\n" for l in lines), capture_output=True, text=True, check=True)
    return r.stdout.splitlines()


def same(theirs, mine):
    # Both refused (postsrsd words its errors its own way; "ours" is its
    # "Already rewritten"), or the same address.
    if theirs.startswith("500") and mine.startswith("500"):
        return True
    return theirs == mine


# One connection per address: MAIL FROM:<>, RCPT TO the address, and
# when the milter takes it a DSN-like message. The Lua decides nothing;
# the log says what the milter did (miltertest stops at a Lua error).
BOUNCES_LUA = """
dofile(dir .. "/common.lua")
for i, a in ipairs(ADDRESSES) do
  local conn = open("REV" .. i, {from = "<>"})
  step(mt.rcptto(conn, "<" .. a .. ">"), "rcpt " .. a)
  local got = mt.getreply(conn)
  if got == SMFIR_CONTINUE then
    step(mt.header(conn, "Subject", "Undelivered Mail Returned to Sender"), "header")
    reply_is(conn, SMFIR_CONTINUE, "header")
    step(mt.eoh(conn), "eoh")
    reply_is(conn, SMFIR_CONTINUE, "eoh")
    step(mt.bodystring(conn, "bounced\\r\\n"), "body")
    mt.getreply(conn)
    step(mt.eom(conn), "eom")
    reply_is(conn, SMFIR_CONTINUE, "eom " .. a)
  elseif got ~= SMFIR_REPLYCODE then
    failed("rcpt " .. a .. ": reply " .. string.char(got))
  end
  close(conn)
end
"""


def hash_changed(address):
    # "SRS0=HHHH=..." / "SRS1=HHHH=...": the hash's first character, another letter.
    c = address[5]
    return address[:5] + ("b" if c.lower() == "a" else "a") + address[6:]


def through_milter(milter, tmp, secret_files, cases):
    """cases: [(address, postsrsd's reverse answer)]; the number that differ."""
    lua = os.path.join(tmp, "bounces.lua")
    with open(lua, "w") as f:
        f.write("ADDRESSES = {" + ",".join(json.dumps(a) for a, _ in cases) + "}\n" + BOUNCES_LUA)
    sock = os.path.join(tmp, "milter.sock")
    args = ["--srs-domain", DOMAIN]
    for sf in secret_files:
        args += ["--srs-secret-file", sf]
    m = mt.Milter(milter, "unix:" + sock, tmp, "srs-milter", *args)
    try:
        r = subprocess.run(["miltertest", "-D", "socket=unix:" + sock, "-D", "dir=" + mt.LUA, "-s", lua],
                           capture_output=True, text=True, timeout=300)
    finally:
        log = m.stop()
    if r.returncode != 0:
        print(f"miltertest exited {r.returncode}:\n{r.stdout}{r.stderr}")
        return len(cases)
    entries = {}
    for line in log.splitlines():
        if line.startswith("{"):
            e = json.loads(line)
            entries.setdefault(e.get("queue_id"), []).append(e)
    differ = 0
    for i, (address, theirs) in enumerate(cases, 1):
        got = entries.get(f"REV{i}", [])
        if len(got) != 1:
            mine = f"{len(got)} log lines"
        elif got[0].get("milter") == "accept" and len(got[0].get("srs_reversed", [])) == 1:
            rev = got[0]["srs_reversed"][0]
            mine = "200 " + rev["original"] if rev["to"] == address else f"reversed {rev['to']}"
        elif got[0].get("milter") == "refuse" and got[0].get("reply", "").startswith("550 5.1.1 "):
            mine = "500 " + got[0]["reply"]
        else:
            mine = json.dumps(got[0])
        if not same(theirs, mine):
            differ += 1
            print(f"milter reverse {address}: postsrsd '{theirs}', sift-milter '{mine}'")
    print(f"{len(cases)} bounces through sift-milter compared with postsrsd's reverse answers, {differ} differ")
    return differ


def main():
    global SECRET, SEPARATOR
    if len(sys.argv) not in (2, 3):
        print(__doc__)
        return 2
    if shutil.which("postsrsd") is None:
        print("SKIP: postsrsd is not installed (scripts/install-deps installs it)")
        return SKIP
    tool = sys.argv[1]
    rng = random.Random(20261202)
    failures = 0
    compared = 0
    milter_cases = []  # (address, postsrsd's reverse answer) for the milter
    secret_files = []
    with tempfile.TemporaryDirectory() as tmp:
        for SEPARATOR in "=-+":
            SECRET = "s3cret-" + SEPARATOR + "-" + str(rng.randint(0, 10**9))
            secret_file = os.path.join(tmp, "secret" + str(len(secret_files)))
            secret_files.append(secret_file)
            with open(secret_file, "w") as f:
                f.write(SECRET)
            proc, fwd, rev = start_postsrsd(secret_file, SEPARATOR)
            try:
                day = int(time.time()) // 86400
                addrs = senders(rng)
                theirs = theirs_forward = [ask(fwd, a) for a in addrs]
                mine = ours(tool, ["F " + a for a in addrs])
                written = set()
                for a, t, m in zip(addrs, theirs, mine):
                    compared += 1
                    if not same(t, m):
                        failures += 1
                        print(f"forward -a{SEPARATOR} {a}: postsrsd '{t}', sift '{m}'")
                    for answer in (t, m):
                        if answer.startswith("200 ") and "SRS" in answer[4:8].upper():
                            written.add(answer[4:])
                back = sorted(written) + [
                    f"SRS0=XXXX=AB=example.com=forged@{DOMAIN}", "plain@" + DOMAIN,
                    "SRS0=HF+n=JV=example.com=anna@other.example"]
                theirs = [ask(rev, a) for a in back]
                mine = ours(tool, ["R " + a for a in back])
                # For the milter: what postsrsd wrote in our domain, and
                # each lower-cased and with its hash changed.
                own = sorted({t[4:] for t in theirs_forward if t.startswith("200 ") and
                              t[4:8].upper() in ("SRS0", "SRS1") and t.lower().endswith("@" + DOMAIN)})
                variants = own + [a.lower() for a in own] + [hash_changed(a) for a in own]
                milter_cases += zip(variants, [ask(rev, a) for a in variants])
                for a, t, m in zip(back, theirs, mine):
                    compared += 1
                    if not same(t, m):
                        failures += 1
                        print(f"reverse -a{SEPARATOR} {a}: postsrsd '{t}', sift '{m}'")
                if int(time.time()) // 86400 != day:
                    print("SKIP: the day changed during the run (timestamps differ); run again")
                    return SKIP
            finally:
                proc.terminate()
                proc.wait(timeout=5)
        if len(sys.argv) == 3:
            day = int(time.time()) // 86400
            failures += through_milter(sys.argv[2], tmp, secret_files, milter_cases)
            if int(time.time()) // 86400 != day:
                print("SKIP: the day changed during the run (timestamps differ); run again")
                return SKIP
    print(f"{compared} answers compared with postsrsd, {failures} differ")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
