#!/usr/bin/env python3
"""Broken milter packets against a running sift-milter: it must not crash.

Usage: hostile.py SIFT_MILTER

Starts sift-milter on a unix socket in a temporary directory, then opens
a few hundred connections, each sending something no MTA sends: random
bytes; frames with random commands and payloads; lengths of zero, past
the end, or near 2^31; a correct option negotiation followed by garbage;
a session cut off in the middle of a message; macro packets with an odd
number of strings (a name without its value: the packet that crashes
libmilter's smfi_getsymval). Then, on the wire, a message under way
that meets such a packet must be answered with a tempfail and its
connection closed, never accepted. Afterwards the daemon must
still be running and must still serve a proper session
(lua/accept_clean.lua under miltertest), and its log must show no crash.
Everything it starts is stopped by its PID.
"""
import os
import random
import socket
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run_miltertest as mt  # noqa: E402

COMMANDS = b"ABCDEHKLMNOQRSTU"  # SMFIC_* command letters


def frame(cmd, payload):
    return struct.pack(">I", len(payload) + 1) + bytes([cmd]) + payload


def negotiate():
    # SMFIC_OPTNEG: version 6, all actions, no protocol flags off.
    return frame(ord("O"), struct.pack(">III", 6, 0x1FF, 0))


def no_nul(rng, n):
    return bytes(b or 1 for b in rng.randbytes(n))


def macros(rng):
    # A macro packet (SMFIC_MACRO) with random names and values, one in
    # three with an odd number of strings (a name without its value), which
    # the milter's own protocol loop refuses (the connection is closed).
    # Debian 12's libmilter (8.17.1.9) crashed on those (SIGSEGV in
    # smfi_getsymval, docs/MILTER.md "Hostile clients"); this test had to
    # leave them out while sift-milter ran on libmilter.
    strings = [no_nul(rng, rng.randrange(0, 60)) for _ in range(2 * rng.randrange(0, 8))]
    if rng.randrange(3) == 0:
        strings.append(no_nul(rng, rng.randrange(0, 20)))
    return bytes([rng.choice(b"CHMRTELN")]) + b"".join(p + b"\0" for p in strings)


def read_all(s):
    """Every packet the milter sends until it closes: [(letter, payload)]."""
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    out = []
    while len(data) >= 4:
        (n,) = struct.unpack(">I", data[:4])
        out.append((chr(data[4]), data[5:4 + n]))
        data = data[4 + n:]
    return out


def odd_macros_in_a_message(sock_path):
    """A message under way, then a macro packet with a name and no value:
    the milter answers tempfail (the step the MTA waits on) and closes."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    s.connect(sock_path)
    s.sendall(negotiate() + frame(ord("C"), b"client.example\x004\x00\x19192.0.2.1\x00")
              + frame(ord("H"), b"mx.client.example\x00") + frame(ord("M"), b"<a@example.org>\x00")
              + frame(ord("D"), b"Ri\x00") + frame(ord("R"), b"<bob@example.net>\x00"))
    got = read_all(s)
    s.close()
    letters = "".join(c for c, _ in got)
    if letters != "Occct":
        mt.fail(f"odd macro count in a message: the milter answered {letters!r}, wanted 'Occct' "
                "(negotiation, connect, HELO, MAIL, then tempfail) and the connection closed")
    else:
        print("ok   odd macro count in a message: tempfail, connection closed", flush=True)


def attack(rng):
    kind = rng.randrange(7)
    if kind == 0:
        return rng.randbytes(rng.randrange(1, 2048))
    if kind == 1:
        frames = []
        for _ in range(rng.randrange(1, 20)):
            cmd = rng.choice(COMMANDS)
            frames.append(frame(cmd, macros(rng) if cmd == ord("D") else rng.randbytes(rng.randrange(0, 300))))
        return b"".join(frames)
    if kind == 2:  # a length that promises more than comes
        return struct.pack(">I", rng.choice([0, 1, 65536, 0x7FFFFFFF, 0xFFFFFFFF])) + rng.randbytes(40)
    if kind == 3:
        return negotiate() + rng.randbytes(rng.randrange(1, 1024))
    if kind == 4:  # a plausible session in a random order, with junk arguments
        parts = [negotiate()]
        for _ in range(rng.randrange(1, 30)):
            cmd = rng.choice(b"CHMRLNBEQA")
            payload = b"\0".join(rng.randbytes(rng.randrange(0, 40)) for _ in range(rng.randrange(1, 4))) + b"\0"
            parts.append(frame(cmd, payload))
        return b"".join(parts)
    if kind == 5:  # a real start, cut off mid-body
        return (negotiate() + frame(ord("C"), b"client.example\x004\x00\x00\x00192.0.2.1\x00")
                + frame(ord("H"), b"client.example\x00") + frame(ord("M"), b"<a@example.org>\x00")
                + frame(ord("R"), b"<bob@example.net>\x00") + frame(ord("L"), b"Subject\x00hi\x00")
                + frame(ord("N"), b"") + struct.pack(">I", 5000) + b"B" + b"x" * 100)
    # kind 6: many macro packets for every stage, then a session
    return (negotiate() + b"".join(frame(ord("D"), macros(rng)) for _ in range(rng.randrange(1, 10)))
            + frame(ord("C"), b"client.example\x004\x00\x00\x00192.0.2.1\x00")
            + frame(ord("M"), b"<a@example.org>\x00") + frame(ord("R"), b"<bob@example.net>\x00"))


def main():
    binary = sys.argv[1]
    rng = random.Random(20261202)
    with tempfile.TemporaryDirectory(prefix="sift-hostile-") as tmp:
        sock_path = os.path.join(tmp, "milter.sock")
        m = mt.Milter(binary, "unix:" + sock_path, tmp, "hostile")
        timeouts = refused = 0
        try:
            for i in range(400):
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.settimeout(2)
                try:
                    s.connect(sock_path)
                    s.sendall(attack(rng))
                    if i % 3 == 0:
                        try:
                            s.recv(4096)  # whatever it answers, or nothing
                        except (socket.timeout, ConnectionError):
                            pass
                except (BrokenPipeError, ConnectionResetError):
                    pass  # it may hang up on garbage: that is allowed
                except ConnectionRefusedError:
                    # Seen once under a loaded land run, not reproduced
                    # (libmilter's listener can reopen its socket after
                    # accept errors). Counted, not a failure by itself: the
                    # daemon must still be up and serving below.
                    refused += 1
                except socket.timeout:
                    # A loaded machine (CI, parallel tests) may take longer
                    # than 2 s to accept or read: not a crash. Whether the
                    # daemon is still alive and serving is checked below.
                    timeouts += 1
                finally:
                    s.close()
                if m.proc.poll() is not None:
                    mt.fail(f"sift-milter exited ({m.proc.returncode}) after hostile connection {i}")
                    break
            time.sleep(0.5)
            # The listener may be reopening (see above): wait until it
            # accepts again, at most 10 s, before the clean session.
            deadline = time.time() + 10
            while time.time() < deadline and m.proc.poll() is None:
                probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                try:
                    probe.connect(sock_path)
                    break
                except OSError:
                    time.sleep(0.2)
                finally:
                    probe.close()
            if m.proc.poll() is None:
                odd_macros_in_a_message(sock_path)
                # Still serving real sessions, whatever came before.
                mt.run_lua("accept_clean.lua", "unix:" + sock_path)
        finally:
            log = m.stop()
        for bad in ("terminate called", "Segmentation", "AddressSanitizer", "runtime error", "Aborted"):
            if bad in log:
                mt.fail(f"the log shows a crash ({bad!r}):\n{log[-3000:]}")
    if mt.failures:
        print(f"{len(mt.failures)} failure(s)")
        return 1
    print(f"400 hostile connections ({timeouts} timed out, {refused} refused on this machine): "
          "sift-milter still up and serving")
    return 0


if __name__ == "__main__":
    sys.exit(main())
