#!/usr/bin/env python3
"""sift filter against sift run, message by message.

Generates messages (seeded: every run gets the same bytes), writes each as
its own .eml file and all of them as one mboxrd file (a "From " line
before each, ">From " body lines quoted, an empty line after each, LF or
CRLF), then runs each script over the mbox with `sift filter --json` and
over every .eml with `sift run --json`. The two must agree on every
message: the same report but for filter's "message" field, in the same
order, none missing (under a sanitizer, SIFT_SANITIZED set, `sift run` is
the oracle for every fourth message and the last two only: each of its
800 runs compiles the default policy, minutes under ASan; filter itself
still reads and reports all of them). The mbox is larger than one of filter's slices, so
messages are found by several threads; the size rules see each message's
exact length, so one byte more or less (the off-by-one this test found on
the last message of an mbox) changes the verdict. `sift filter --policy
default` (alone and around a user's script) is held against `sift run
--policy default` the same way.

Usage: filter_vs_run.py SIFT_BINARY
"""
import json
import os
import random
import subprocess
import sys
import tempfile

NAMES = ["Eva Silva", "Priya Schmidt", "Oscar Nguyen", "Nadia Haddad", "Hiro Moreau"]
DOMAINS = ["example.com", "example.org", "lists.example.net", "billing.example.com"]
WORDS = ["alpha", "lottery", "invoice", "meeting", "From", "quoted", "report", "lists", "x" * 70]


def address(rng):
    name = rng.choice(NAMES)
    local = name.lower().replace(" ", ".")
    if rng.random() < 0.3:
        local += "+" + rng.choice(["lists", "shop", "work"])
    addr = local + "@" + rng.choice(DOMAINS)
    return rng.choice([addr, "<" + addr + ">", '"' + name + '" <' + addr + ">", name + " <" + addr + ">"])


def message(rng, i, last):
    headers = [
        "Return-Path: <" + rng.choice(NAMES).split()[0].lower() + "@" + rng.choice(DOMAINS) + ">",
        "From: " + address(rng),
        "To: " + address(rng),
        "Subject: message %d %s" % (i, " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 4)))),
    ]
    if rng.random() < 0.3:
        headers.append("List-Id: <team.lists.example.net>")
    if rng.random() < 0.15:
        headers.append("X-Spam-Flag: YES")
    if rng.random() < 0.2:
        headers.append("Received: from mx.example.net\n\tby mx.example.com; Mon, 23 Nov 2026 07:00:00 +0000")
    if rng.random() < 0.05:
        headers.append("this line is not a header field")  # a defect, and the rest is body
    rng.shuffle(headers)
    shape = rng.random()
    if shape < 0.08 or (last and i % 2 == 0):
        body = None  # header only: no empty line, no body
    elif shape < 0.16:
        body = ""  # an empty body
    else:
        lines = []
        for _ in range(rng.randint(1, 60)):
            line = " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 12)))
            if rng.random() < 0.05:
                line = ">" * rng.randint(0, 2) + "From the quoted line " + line
            lines.append(line)
        if rng.random() < 0.2:
            lines.append("")  # the body ends with an empty line of its own
        body = "\n".join(lines) + "\n"
    text = "\n".join(headers) + "\n" + ("" if body is None else "\n" + body)
    return text.replace("\n", "\r\n") if rng.random() < 0.15 else text


def mboxrd(msg):
    eol = "\r\n" if msg.endswith("\r\n") else "\n"
    out = []
    for line in msg.split(eol)[:-1]:
        if line.lstrip(">").startswith("From "):
            line = ">" + line
        out.append(line + eol)
    return "From sender@example.com Mon Nov 23 07:00:00 2026" + eol + "".join(out) + eol


def run(*args):
    p = subprocess.run(args, capture_output=True)
    return p.returncode, p.stdout.decode("utf-8"), p.stderr.decode("utf-8", "replace")


def main():
    sift = sys.argv[1]
    rng = random.Random(8)
    count = 160
    messages = [message(rng, i, i == count - 1) for i in range(count)]
    sizes = sorted({len(m.encode()) for m in messages})
    # One action per message, from the largest threshold below its size:
    # each message's own size and one less are thresholds.
    thresholds = sorted({s for n in sizes for s in (n, n - 1)}, reverse=True)
    by_size = 'require "fileinto";\n' + "".join(
        'if size :over %d { fileinto "gt-%d"; stop; }\n' % (k, k) for k in thresholds)
    scripts = {
        "size": by_size,
        "detail": 'require "subaddress";\nif address :detail "to" "lists" { discard; }\n',
        "mixed": 'require ["fileinto", "copy", "body", "envelope", "subaddress", "vnd.sift.defects", "relational",\n'
                 '         "comparator-i;ascii-numeric"];\n'
                 'if defect :count "gt" :comparator "i;ascii-numeric" "0" { fileinto "Defective"; }\n'
                 'if header :contains "subject" "lottery" { discard; stop; }\n'
                 'if exists "list-id" { fileinto "Lists"; }\n'
                 'if address :user :is "from" ["eva.silva", "hiro.moreau"] { fileinto :copy "Friends"; }\n'
                 'if envelope :domain :is "from" "billing.example.com" { fileinto "Billing"; }\n'
                 'if body :raw :contains "quoted line" { fileinto "Quoted"; }\n'
                 'elsif body :text :contains "invoice" { fileinto "Invoices"; }\n',
    }
    # The messages `sift run` checks filter's report of (all, but under a sanitizer).
    oracle = set(range(count))
    if os.environ.get("SIFT_SANITIZED"):
        oracle = {i for i in oracle if i % 4 == 0 or i >= count - 2}
    failures = 0
    with tempfile.TemporaryDirectory() as d:
        mbox = os.path.join(d, "all.mbox")
        with open(mbox, "wb") as f:
            for m in messages:
                f.write(mboxrd(m).encode())
        assert os.path.getsize(mbox) > 256 << 10, "the mbox must span several of filter's slices"
        files = []
        for i, m in enumerate(messages):
            files.append(os.path.join(d, "m%03d.eml" % i))
            with open(files[-1], "wb") as f:
                f.write(m.encode())
        runs = []  # (name, sift filter's arguments, sift run's arguments before the message)
        for name, source in scripts.items():
            script = os.path.join(d, name + ".sieve")
            with open(script, "w") as f:
                f.write(source)
            runs.append((name, ["--script", script], [script]))
        runs.append(("policy", ["--policy", "default"], ["--policy", "default"]))
        runs.append(("policy+mixed", ["--policy", "default", "--script", os.path.join(d, "mixed.sieve")],
                     ["--policy", "default", os.path.join(d, "mixed.sieve")]))
        for name, filter_args, run_args in runs:
            code, out, err = run(sift, "filter", "--json", "--jobs", "2", *filter_args, mbox)
            if code != 0:
                print("%s: sift filter exited %d: %s" % (name, code, err))
                failures += 1
                continue
            reports = [json.loads(line) for line in out.splitlines()]
            if len(reports) != count:
                print("%s: sift filter reported %d messages, not %d" % (name, len(reports), count))
                failures += 1
                continue
            for i, (got, path) in enumerate(zip(reports, files)):
                if got.pop("message", None) != mbox + "#%d" % (i + 1):
                    print("%s: report %d is not named %s#%d" % (name, i + 1, mbox, i + 1))
                    failures += 1
                if i not in oracle:
                    continue
                _, alone, _ = run(sift, "run", "--json", *run_args, path)
                want = json.loads(alone)
                if got != want:
                    failures += 1
                    print("%s: message %d of %d differs:\n  filter: %s\n  run:    %s"
                          % (name, i + 1, count, json.dumps(got), json.dumps(want)))
    # The size script must have told the messages apart (or it checks nothing).
    print("%d messages (%d held against sift run), %d runs, %d distinct sizes, %d differences"
          % (count, len(oracle), len(runs), len(sizes), failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
