#!/usr/bin/env python3
"""Rewrites the "Results" part of docs/CONFORMANCE.md from a sift-conformance
run and tests/conformance/not_yet_passing.txt, so the document cannot drift
from what the runner reports.

Usage: report.py SIFT_CONFORMANCE PIGEONHOLE_DIR   (PIGEONHOLE_DIR holds tests/ and examples/)"""
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DOC = os.path.join(HERE, "..", "..", "docs", "CONFORMANCE.md")
LIST = os.path.join(HERE, "not_yet_passing.txt")


def main(runner, pigeonhole):
    p = subprocess.run([runner, "--examples", os.path.join(pigeonhole, "examples"), os.path.join(pigeonhole, "tests")],
                       capture_output=True, text=True)
    err = p.stderr
    folders = re.findall(r"^  (\S+) (\d+)/(\d+)$", err, re.M)
    svtest = re.search(r"svtest files: (\d+) of (\d+) pass", err)
    examples = re.search(r"examples: (\d+) of (\d+) compile", err)
    wording = re.search(r"not reproduced \(counted, not failed\): (\d+)", err)
    rows = []
    for line in open(LIST):
        if line.strip() and not line.startswith("#"):
            path, reason = line.rstrip("\n").split("  ", 1)
            rows.append("| `%s` | %s |" % (path, reason.replace("|", "\\|")))
    doc = open(DOC).read()
    head, _, _ = doc.partition("## Results")
    tail = doc.split("## Not yet passing", 1)[1]
    intro = tail.split("\n| file | reason |", 1)[0]
    doc = (head + "## Results\n\n**%s of %s** test files pass; **%s of %s** examples compile. `test_error`\n"
           "wording checks not reproduced in this run (counted, not failed): %s. Per\nfolder:\n\n"
           "| folder | passed / total |\n| --- | --- |\n%s\n\n## Not yet passing%s\n| file | reason |\n| --- | --- |\n%s\n"
           % (svtest.group(1), svtest.group(2), examples.group(1), examples.group(2),
              wording.group(1) if wording else "0", "\n".join("| `%s` | %s / %s |" % f for f in folders),
              intro, "\n".join(rows)))
    open(DOC, "w").write(doc)
    print("%s of %s svtest files pass, %s of %s examples compile" % (svtest.group(1), svtest.group(2),
                                                                      examples.group(1), examples.group(2)))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
