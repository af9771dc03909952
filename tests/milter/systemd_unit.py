#!/usr/bin/env python3
"""The systemd unit (milter/sift-milter.service.in, as CMake configured it)
is real: `systemd-analyze verify` accepts it without a warning (with the
built binary in ExecStart's place), and its ExecStart options, run as
they are against a temporary directory (only the paths and ports
replaced), start sift-milter: it listens, serves /metrics, reloads on
ExecReload's command with $MAINPID, and stops with exit status 0 on
KillSignal. The unit is Type=notify: with NOTIFY_SOCKET set to a datagram
socket of the test's own (as systemd does), sift-milter sends READY=1 once
its socket accepts connections, RELOADING=1 (with MONOTONIC_USEC) and
READY=1 around the reload, WATCHDOG=1 every half of WATCHDOG_USEC (the
unit's WatchdogSec), and STOPPING=1 on KillSignal. Everything on
127.0.0.1, stopped by PID.

Usage: systemd_unit.py UNIT_FILE SIFT_MILTER
"""
import os
import re
import shlex
import socket
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
        if keys.get("Type") != ["notify"] or keys.get("NotifyAccess") != ["main"]:
            fail(f"Type={keys.get('Type')}, NotifyAccess={keys.get('NotifyAccess')}: sift-milter sends "
                 "sd_notify from its main process: Type=notify, NotifyAccess=main")
        if not keys.get("WatchdogSec"):
            fail("no WatchdogSec: sift-milter pings the watchdog when it is set")
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
        # systemd's side of sd_notify: a datagram socket, its path in
        # NOTIFY_SOCKET; a 0.4 s watchdog (WatchdogSec) in WATCHDOG_USEC.
        notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        notify.bind(os.path.join(d, "notify"))
        env["NOTIFY_SOCKET"] = os.path.join(d, "notify")
        env["WATCHDOG_USEC"] = "400000"
        log = open(os.path.join(d, "milter.log"), "w")
        proc = subprocess.Popen([binary, *args], stdout=log, stderr=subprocess.STDOUT, env=env)
        messages = []

        def wait_notify(what, timeout=10):
            """The datagrams until one has the line `what`; True if it came."""
            deadline = time.time() + timeout
            while time.time() < deadline:
                notify.settimeout(max(0.01, deadline - time.time()))
                try:
                    m = notify.recv(4096).decode()
                except (socket.timeout, TimeoutError):
                    break
                messages.append(m)
                if what in m.split("\n"):
                    return True
            return False

        if wait_notify("READY=1"):
            # READY=1 means the socket accepts now, not soon.
            try:
                socket.create_connection(("127.0.0.1", listen_port), timeout=2).close()
                ok("sd_notify READY=1 once the milter's socket accepts connections")
            except OSError as e:
                fail(f"READY=1 came before the socket accepts: {e}")
        else:
            fail(f"no READY=1 from sift-milter: {messages}")
        if wait_port(listen_port) and wait_port(metrics_port):
            ok("ExecStart's options start sift-milter: it listens and serves metrics")
        else:
            fail("ExecStart's options did not start sift-milter: " + open(log.name).read()[-2000:])
            return 1
        messages.clear()
        start = time.time()
        pings = 0
        while time.time() - start < 1.5:
            if wait_notify("WATCHDOG=1", timeout=1.5 - (time.time() - start)):
                pings += 1
        if pings >= 3:
            ok(f"sd_notify WATCHDOG=1: {pings} in 1.5 s with WATCHDOG_USEC=400000")
        else:
            fail(f"WATCHDOG=1 {pings} time(s) in 1.5 s with WATCHDOG_USEC=400000: {messages}")
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
        messages.clear()
        wait_notify("READY=1", timeout=5)
        seen = [m for m in messages if "WATCHDOG=1" not in m.split("\n")]
        if (len(seen) >= 2 and "RELOADING=1" in seen[-2].split("\n") and "MONOTONIC_USEC=" in seen[-2]
                and "READY=1" in seen[-1].split("\n")):
            ok("sd_notify RELOADING=1 (with MONOTONIC_USEC), then READY=1, around the reload")
        else:
            fail(f"the reload's notifications: {seen}, wanted RELOADING=1 then READY=1")
        sig = getattr(signal, keys.get("KillSignal", ["SIGTERM"])[0])
        messages.clear()
        proc.send_signal(sig)
        if wait_notify("STOPPING=1", timeout=10):
            ok(f"sd_notify STOPPING=1 on {sig.name}")
        else:
            fail(f"no STOPPING=1 on {sig.name}: {messages}")
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
