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

Usage: srs_postsrsd.py SRS_TOOL        (exit 77: postsrsd is not installed)
"""
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


def main():
    global SECRET, SEPARATOR
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    if shutil.which("postsrsd") is None:
        print("SKIP: postsrsd is not installed (scripts/install-deps installs it)")
        return SKIP
    tool = sys.argv[1]
    rng = random.Random(20261202)
    failures = 0
    compared = 0
    with tempfile.TemporaryDirectory() as tmp:
        for SEPARATOR in "=-+":
            SECRET = "s3cret-" + SEPARATOR + "-" + str(rng.randint(0, 10**9))
            secret_file = os.path.join(tmp, "secret")
            with open(secret_file, "w") as f:
                f.write(SECRET)
            proc, fwd, rev = start_postsrsd(secret_file, SEPARATOR)
            try:
                day = int(time.time()) // 86400
                addrs = senders(rng)
                theirs = [ask(fwd, a) for a in addrs]
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
    print(f"{compared} answers compared with postsrsd, {failures} differ")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
