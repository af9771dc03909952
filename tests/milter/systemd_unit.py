#!/usr/bin/env python3
"""The systemd unit (milter/sift-milter.service.in, as CMake configured it)
is real: `systemd-analyze verify` accepts it without a warning (with the
built binary in ExecStart's place), and its ExecStart options, run as
they are against a temporary directory (only the paths and ports
replaced), start sift-milter: it listens, serves /metrics, reloads on
ExecReload's command with $MAINPID, and stops with exit status 0 on
KillSignal. Everything on 127.0.0.1, stopped by PID.

Usage: systemd_unit.py UNIT_FILE SIFT_MILTER
"""
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from run_miltertest import fail, failures, free_port  # noqa: E402


def ok(msg):
    print("ok   " + msg)


def service_keys(text):
    """[Service] key -> list of values (a key may repeat)."""
    keys, section = {}, None
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            section = line
            continue
        if section == "[Service]" and "=" in line:
            k, v = line.split("=", 1)
            keys.setdefault(k, []).append(v)
    return keys


def wait_port(port, timeout=10):
    import socket
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


def verify(unit_text, binary, d):
    if not shutil.which("systemd-analyze"):
        print("note: no systemd-analyze here; the unit is checked by running its ExecStart only")
        return
    text = re.sub(r"^ExecStart=\S+", f"ExecStart={binary}", unit_text, flags=re.M)
    path = os.path.join(d, "sift-milter.service")
    with open(path, "w") as f:
        f.write(text)
    r = subprocess.run(["systemd-analyze", "verify", path], capture_output=True, text=True)
    out = (r.stdout + r.stderr).strip()
    if r.returncode == 0 and not out:
        ok("systemd-analyze verify: no error, no warning")
    else:
        fail(f"systemd-analyze verify ({r.returncode}): {out}")


def main():
    unit, binary = sys.argv[1], sys.argv[2]
    unit_text = open(unit).read()
    keys = service_keys(unit_text)
    d = tempfile.mkdtemp(prefix="sift-unit-")
    proc = None
    try:
        verify(unit_text, binary, d)
        argv = shlex.split(keys["ExecStart"][0])
        if not argv[0].endswith("/sift-milter"):
            fail(f"ExecStart runs {argv[0]}, not sift-milter")
        if keys.get("Type") != ["simple"]:
            fail(f"Type={keys.get('Type')}: only simple is right (no sd_notify)")
        # The paths and ports replaced, every option kept.
        listen_port, metrics_port = free_port(), free_port()
        config = os.path.join(d, "sift.toml")
        with open(config, "w") as f:
            f.write('[policy]\ndir = "default"\n')
        args = []
        for a in argv[1:]:
            a = a.replace("/etc/sift/sift.toml", config)
            a = re.sub(r"^inet:\d+@127\.0\.0\.1$", f"inet:{listen_port}@127.0.0.1", a)
            a = re.sub(r"^127\.0\.0\.1:\d+$", f"127.0.0.1:{metrics_port}", a)
            args.append(a)
        if f"inet:{listen_port}@127.0.0.1" not in args or f"127.0.0.1:{metrics_port}" not in args:
            fail(f"ExecStart has no --listen inet:PORT@127.0.0.1 and --metrics 127.0.0.1:PORT: {argv}")
        env = dict(os.environ)
        for e in keys.get("Environment", []):
            k, v = e.split("=", 1)
            env[k] = v.replace("/var/lib/sift", os.path.join(d, "state"))
        os.makedirs(os.path.join(d, "state"))
        log = open(os.path.join(d, "milter.log"), "w")
        proc = subprocess.Popen([binary, *args], stdout=log, stderr=subprocess.STDOUT, env=env)
        if wait_port(listen_port) and wait_port(metrics_port):
            ok("ExecStart's options start sift-milter: it listens and serves metrics")
        else:
            fail("ExecStart's options did not start sift-milter: " + open(log.name).read()[-2000:])
            return 1
        with urllib.request.urlopen(f"http://127.0.0.1:{metrics_port}/metrics", timeout=5) as r:
            body = r.read().decode()
        if "sift_milter_snapshot_generation 1" in body:
            ok("GET /metrics answers")
        else:
            fail("GET /metrics: " + body[:300])
        reload_cmd = [a.replace("$MAINPID", str(proc.pid)) for a in shlex.split(keys["ExecReload"][0])]
        r = subprocess.run(reload_cmd)
        deadline = time.time() + 5
        while time.time() < deadline and '"trigger":"signal"' not in open(log.name).read():
            time.sleep(0.05)
        if r.returncode == 0 and '{"reload":"ok","trigger":"signal","generation":2' in open(log.name).read():
            ok(f"ExecReload ({' '.join(reload_cmd)}) reloads")
        else:
            fail(f"ExecReload ({reload_cmd}, {r.returncode}) did not reload: " + open(log.name).read()[-1000:])
        sig = getattr(signal, keys.get("KillSignal", ["SIGTERM"])[0])
        proc.send_signal(sig)
        try:
            rc = proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            rc = None
        if rc == 0:
            ok(f"KillSignal ({sig.name}) stops it in order (exit 0)")
        else:
            fail(f"KillSignal ({sig.name}): exit {rc}")
    finally:
        if proc and proc.poll() is None:
            proc.kill()
            proc.wait()
    if failures:
        print(f"{len(failures)} failure(s); files kept in {d}")
        return 1
    shutil.rmtree(d, ignore_errors=True)
    print("the systemd unit is sound")
    return 0


if __name__ == "__main__":
    sys.exit(main())
