#!/usr/bin/env python3
"""Sift's own protocol loop (milter/server.cpp): clean shutdown, fd:N, the
read timeout, the connection limit.

Usage: shutdown.py SIFT_MILTER

On the wire with negotiate.py's session, each sift-milter on a unix
socket in a temporary directory or on a socket this script made, each
stopped by its PID:

  - SIGTERM with one connection idle and one in the middle of a message:
    the idle one is closed at once, the listening socket goes (a new
    connection is refused), the message is finished and answered as
    usual, and only then does the daemon exit, with status 0;
  - --listen fd:N with a loopback TCP socket made here and passed on:
    a whole session is served over it;
  - --timeout 1: a connection that sends nothing is closed after about a
    second (logged), one that keeps talking is not, and one that stops in
    the middle of a message is closed too (logged with in_message: the
    MTA tempfails that message);
  - --max-connections 1: a second connection waits (in the backlog) until
    the first one ends, and is then served;
  - the connection threads are a pool: twenty connections one after the
    other are served by the same thread (the process's threads, from
    /proc/PID/task, are the same set while each is open).
"""
import os
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import negotiate as ng  # noqa: E402
import run_miltertest as mt  # noqa: E402


def ok(label):
    print(f"ok   {label}", flush=True)


def closed(sock, within):
    """The peer closes `sock` within `within` seconds (EOF, not data)."""
    sock.settimeout(within)
    try:
        return sock.recv(100) == b""
    except (socket.timeout, TimeoutError):
        return False
    except ConnectionError:
        return True


def start_message(sess):
    st = sess.steps
    sess.step("C", ng.z("client.example") + b"4" + struct.pack(">H", 25) + ng.z("192.0.2.10"), not st & ng.NR_CONN)
    sess.step("H", ng.z("mx.client.example"), not st & ng.NR_HELO)
    if sess.step("M", ng.z("<alice@example.org>"), True)[0] != "c":
        raise SystemExit("MAIL FROM refused")
    sess.s.sendall(ng.frame("D", b"R" + ng.z("i", "SHUT1")))
    if sess.step("R", ng.z("<bob@example.net>"), True)[0] != "c":
        raise SystemExit("RCPT refused")


def finish_message(sess):
    st = sess.steps
    for name, value in ng.CLEAN:
        sess.step("L", ng.z(name, value), not st & ng.NR_HDR)
    sess.step("N", b"", not st & ng.NR_EOH)
    if not st & ng.NOBODY:
        sess.step("B", b"Hello.\r\n", not st & ng.NR_BODY)
    return sess.eom()


def shutdown(binary, tmp):
    m = ng.start(binary, tmp, "shutdown", "--policy", "default", "--scripts", mt.SCRIPTS)
    try:
        idle = ng.Session(m["path"])
        busy = ng.Session(m["path"])
        start_message(busy)
        m["proc"].send_signal(signal.SIGTERM)
        if closed(idle.s, 5):
            ok("SIGTERM: the idle connection is closed")
        else:
            mt.fail("SIGTERM: the idle connection is still open after 5 s")
        deadline = time.time() + 5
        while os.path.exists(m["path"]) and time.time() < deadline:
            time.sleep(0.05)
        try:
            probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            probe.connect(m["path"])
            mt.fail("SIGTERM: a new connection is still accepted")
            probe.close()
        except OSError:
            ok("SIGTERM: the listening socket is gone")
        time.sleep(0.5)
        if m["proc"].poll() is not None:
            mt.fail(f"SIGTERM: the daemon exited ({m['proc'].returncode}) with a message under way")
        cmd, payload, edits = finish_message(busy)
        if cmd == "c" and "i" in edits:  # the score fields, inserted
            ok(f"SIGTERM: the message under way is finished and answered ({cmd!r}, edits {''.join(edits)})")
        else:
            mt.fail(f"SIGTERM: the message under way answered {cmd!r} {bytes(payload)[:100]!r}, edits {edits}")
        try:
            rc = m["proc"].wait(timeout=10)
            if rc == 0:
                ok("SIGTERM: the daemon exits 0 once the message is done")
            else:
                mt.fail(f"SIGTERM: the daemon exited {rc}")
        except subprocess.TimeoutExpired:
            mt.fail("SIGTERM: the daemon did not exit within 10 s of the message's end")
    finally:
        ng.stop_all([m])


def fd_listen(binary, tmp):
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    port = listener.getsockname()[1]
    log_path = os.path.join(tmp, "fd.log")
    log = open(log_path, "w")
    proc = subprocess.Popen([binary, "--listen", f"fd:{listener.fileno()}", "--policy", "default",
                             "--scripts", mt.SCRIPTS], stdout=log, stderr=subprocess.STDOUT,
                            pass_fds=[listener.fileno()])
    listener.close()
    m = {"name": "fd", "proc": proc, "log": log, "log_path": log_path}
    try:
        deadline = time.time() + 20
        while "listening on" not in open(log_path).read():
            if proc.poll() is not None or time.time() > deadline:
                raise SystemExit("sift-milter --listen fd:N did not start:\n" + open(log_path).read())
            time.sleep(0.05)
        sess = ng.Session(("127.0.0.1", port))
        # A passed TCP socket is TCP: Sift's loop ACKs at once, so connect
        # and the headers go unanswered as on a unix socket.
        if (sess.steps & (ng.NR_CONN | ng.NR_HDR)) != ng.NR_CONN | ng.NR_HDR:
            mt.fail(f"fd:N (TCP): the milter asked for {ng.flags(sess.steps)}, without NR_CONN|NR_HDR")
        got = ng.message(sess, "FD1", ["bob@example.net"], ng.CLEAN)
        ng.check("fd:N: a clean message over a passed TCP socket", got, "c")
        sess.close()
    finally:
        ng.stop_all([m])


def timeout(binary, tmp):
    m = ng.start(binary, tmp, "timeout", "--policy", "default", "--scripts", mt.SCRIPTS, "--timeout", "1")
    try:
        quiet = ng.Session(m["path"])
        talking = ng.Session(m["path"])
        start = time.time()
        for _ in range(4):  # 2 s of steps, none a second apart
            time.sleep(0.5)
            talking.step("H", ng.z("mx.client.example"), not talking.steps & ng.NR_HELO)
        if closed(quiet.s, 3) and time.time() - start < 4:
            ok("--timeout 1: the quiet connection is closed")
        else:
            mt.fail("--timeout 1: the quiet connection is still open")
        got = ng.message(talking, "TO1", ["bob@example.net"], ng.CLEAN)
        ng.check("--timeout 1: the talking connection is still served", got, "c")
        talking.close()
        if '"milter":"timeout","in_message":false' not in open(m["log_path"]).read():
            mt.fail("--timeout 1: no timeout in the log")
        # The MTA stops in the middle of a message (after RCPT).
        stalled = ng.Session(m["path"])
        start_message(stalled)
        start = time.time()
        if closed(stalled.s, 3) and time.time() - start < 2.5:
            ok("--timeout 1: a connection stalled in a message is closed")
        else:
            mt.fail("--timeout 1: a connection stalled in a message is still open")
        if '"milter":"timeout","in_message":true' not in open(m["log_path"]).read():
            mt.fail("--timeout 1: the stalled message's timeout not logged with in_message true")
    finally:
        ng.stop_all([m])


def limit(binary, tmp):
    m = ng.start(binary, tmp, "limit", "--policy", "default", "--scripts", mt.SCRIPTS, "--max-connections", "1")
    try:
        first = ng.Session(m["path"])
        second = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        second.settimeout(1)
        second.connect(m["path"])  # into the backlog
        second.sendall(ng.frame("O", struct.pack(">III", 6, ng.ACTIONS, ng.ALL_STEPS)))
        try:
            data = second.recv(100)
            mt.fail(f"--max-connections 1: a second connection was answered at once: {data!r}")
        except (socket.timeout, TimeoutError):
            ok("--max-connections 1: the second connection waits")
        first.close()
        second.settimeout(5)
        try:
            data = second.recv(100)
            if data[4:5] == b"O":
                ok("--max-connections 1: served once the first one ended")
            else:
                mt.fail(f"--max-connections 1: the second connection got {data!r}")
        except (socket.timeout, TimeoutError):
            mt.fail("--max-connections 1: the second connection not served after the first ended")
        second.close()
    finally:
        ng.stop_all([m])


def threads(pid):
    return set(os.listdir(f"/proc/{pid}/task"))


def pool(binary, tmp):
    m = ng.start(binary, tmp, "pool", "--policy", "default", "--scripts", mt.SCRIPTS)
    try:
        seen = []
        for i in range(20):
            sess = ng.Session(m["path"])
            if i % 5 == 0:  # a whole message on some of them
                ng.check(f"pool: connection {i + 1}", ng.message(sess, f"POOL{i}", ["bob@example.net"], ng.CLEAN),
                         "c")
            seen.append(threads(m["proc"].pid))
            sess.close()
            time.sleep(0.1)  # its thread back in the pool (or ended) before the next one comes
        if all(t == seen[0] for t in seen):
            ok(f"pool: 20 connections one after the other, the same {len(seen[0])} threads")
        else:
            new = set().union(*seen) - seen[0]
            mt.fail(f"pool: the threads changed from connection to connection ({len(new)} new thread ids: "
                    "a thread per connection?)")
    finally:
        ng.stop_all([m])


def main():
    binary = sys.argv[1]
    with tempfile.TemporaryDirectory(prefix="sift-shutdown-") as tmp:
        shutdown(binary, tmp)
        fd_listen(binary, tmp)
        timeout(binary, tmp)
        limit(binary, tmp)
        pool(binary, tmp)
    if mt.failures:
        print(f"{len(mt.failures)} failure(s)")
        return 1
    print("shutdown, fd:N, timeout, connection limit and thread pool: all passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
