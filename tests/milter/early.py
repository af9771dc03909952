#!/usr/bin/env python3
"""sift-milter's checks before the content, under Debian's miltertest.

Usage: early.py SIFT_MILTER SIFT

Makes an LMDB store in a temporary directory whose block list for
bob@example.net and dave@example.net holds spammer@bad.example (`sift
list add`) and where dave's setting blocked is spam and erin's and gina's spam.threshold
is 3 (`sift settings set`),
starts sift-milter on a unix socket with it, --config (folder.spam =
"Junk"), --max-size 100000,
--max-recipients 3 and --banned-helo mx.sift.test, runs early/early.lua
(which checks each reply at its stage), stops the milter by its PID, then
checks the log: one line per refusal with its stage and reply, written
here by hand from issue 10's texts.
"""
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run_miltertest as mt  # noqa: E402

BOGUS = "550 5.7.1 Access denied - bogus HELO"
# (stage, reply) of every refusal, by queue ID. A bogus HELO is refused
# at the MAIL FROM after it, where a login would show (--authenticated
# submission, the default; docs/MILTER.md "Authenticated submissions"):
# none at HELO itself.
EXPECTED = {
    "HELO1": [("mail", BOGUS)], "HELO2": [("mail", BOGUS)], "HELO3": [("mail", BOGUS)],
    "HELO4": [("mail", BOGUS)], "HELO5": [("mail", BOGUS)],
    # ... and the second transaction of a connection refused at MAIL
    # before Postfix gave it a queue ID (early.lua, after PF1).
    "NOQUEUE": [("mail", "552 5.3.4 Message size exceeds fixed maximum message size")],
    "SIZE1": [("mail", "552 5.3.4 Message size exceeds fixed maximum message size")],
    "RCPT1": [("rcpt", "452 4.5.3 Too many recipients")],
    "BLOCK1": [("rcpt", "550 5.7.1 Sender blocked by the recipient's or the site's block list")],
    "UTF1": [("header", "550 5.6.7 The message contains a Unicode character in a disallowed header")],
    "BIG1": [("body", "552 5.3.4 Message size exceeds fixed maximum message size")],
}
# Messages that reach end-of-message: the milter's answer and verdicts.
DELIVERED = {
    "PF1": {"carol@example.net"},
    "RCPT1": {"a@example.net", "b@example.net", "c@example.net"},
    "BLOCK1": {"carol@example.net"},
    "BLOCK2": {"dave@example.net"},
    "UTF2": {"carol@example.net"},
    "THR1": {"carol@example.net"},
    "THR2": {"erin@example.net", "gina@example.net"},
}


def main():
    milter, sift = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory(prefix="sift-early-") as tmp:
        store = "lmdb:" + os.path.join(tmp, "state.mdb")
        for user in ("bob@example.net", "dave@example.net"):
            subprocess.run([sift, "list", "add", "--store", store, "--user", user, "block", "spammer@bad.example"],
                           check=True, capture_output=True)
        subprocess.run([sift, "settings", "set", "--store", store, "--user", "dave@example.net", "blocked", "spam"],
                       check=True, capture_output=True)
        for user in ("erin@example.net", "gina@example.net"):
            subprocess.run([sift, "settings", "set", "--store", store, "--user", user, "spam.threshold", "3"],
                           check=True, capture_output=True)
        config = os.path.join(tmp, "sift.toml")
        with open(config, "w") as f:
            f.write('folder.spam = "Junk"\n')
        sock = os.path.join(tmp, "milter.sock")
        m = mt.Milter(milter, "unix:" + sock, tmp, "early", "--config", config, "--store", store, "--max-size", "100000",
                      "--max-recipients", "3", "--banned-helo", "mx.sift.test")
        try:
            r = subprocess.run(["miltertest", "-D", "socket=unix:" + sock, "-D", "dir=" + mt.LUA, "-s",
                                os.path.join(HERE, "early", "early.lua")],
                               capture_output=True, text=True, timeout=120)
            if r.returncode != 0:
                mt.fail(f"early.lua: miltertest exited {r.returncode}\n{r.stdout}{r.stderr}")
        finally:
            log = m.stop()
    refusals, finished, details = {}, {}, {}
    for line in log.splitlines():
        if not line.startswith("{"):
            continue
        e = json.loads(line)
        if "stage" in e:
            refusals.setdefault(e["queue_id"], []).append((e["stage"], e["reply"]))
            details.setdefault(e["queue_id"], e.get("detail", ""))
        elif "recipients" in e:
            finished[e["queue_id"]] = e
    if refusals != EXPECTED:
        mt.fail(f"refusals in the log:\n{json.dumps(refusals, indent=1)}\nwanted:\n{json.dumps(EXPECTED, indent=1)}")
    # The MAIL FROM refusal names the HELO and why it is bogus.
    for i, name in enumerate(("localhost", "[192.0.2.1]", "192.0.2.1", "client", "mx.sift.test"), 1):
        d = details.get(f"HELO{i}", "")
        if not (d.startswith(f"HELO {name}: ") and d.endswith(" (no login)")):
            mt.fail(f"HELO{i}: detail {d!r}, wanted 'HELO {name}: ... (no login)'")
    for qid, rcpts in DELIVERED.items():
        e = finished.get(qid)
        if not e:
            mt.fail(f"{qid}: no end-of-message log line")
            continue
        got = {r["to"] for r in e["recipients"] if r["verdict"] == "deliver"}
        if qid == "BLOCK2" and e["recipients"][0].get("delivered_to") != ["dave+Junk@example.net"]:
            mt.fail(f"BLOCK2: delivered to {e['recipients'][0].get('delivered_to')}, wanted dave+Junk@example.net "
                    "(his setting blocked = spam, the configuration's folder.spam)")
        if e["milter"] != "accept" or got != rcpts:
            mt.fail(f"{qid}: {e['milter']}, delivered to {sorted(got)}, wanted accept to {sorted(rcpts)}")
    extra = set(finished) - set(DELIVERED)
    if extra:
        mt.fail(f"messages that should not have reached end-of-message: {sorted(extra)}")
    if mt.failures:
        print(f"{len(mt.failures)} failure(s)")
        return 1
    print("HELO, size, recipient count, RCPT block list and 8-bit header checks: all as expected")
    return 0


if __name__ == "__main__":
    sys.exit(main())
