#!/usr/bin/env python3
"""Golden bytecode images (docs/BYTECODE.md "Golden images").

Each NAME.sieve here was compiled once by `sift compile` into NAME.svbin,
which is committed. This test loads every committed image with `sift run
--json` on message.eml (or the message CASES names) and compares the result
with NAME.expect.json, which was written by hand from the RFCs (not
produced by Sift). The images that need a host (a mail store, lists,
scores, an SMTP session, a fixed clock) run instead with sift_golden_host,
whose fixed world tests/vm/golden_host.cpp describes. So an opcode
renumbered, an operand changed or the encoding changed fails here, unless
the format version was raised too (then the images are refused and the
test fails anyway, saying to make them again).

Every opcode of the table is in some image, except those UNCOVERED names
with the reason no script can reach them: a new opcode fails this test
until a script here uses it (add one, with its hand-written result, and
add it to CASES) or it is listed there.

It also decodes every image with nothing but docs/BYTECODE.md (its layout
and its opcode table), and shows that it can fail: a patched version, an
unknown opcode byte and one opcode number swapped for another must each
be caught.

Comparison: every key of an expected object must be in the result with the
same value (the result may have more keys: the JSON contract allows new
fields); lists must have the same length and match item by item, except
`flags`, which RFC 5232 makes a set. A header edit's `value` is the RFC 5322
field body, what follows the colon (leading space included).

After a deliberate format version change (docs/BYTECODE.md "Versions"),
make the images again from a build of the new version:

    for s in tests/vm/golden/*.sieve; do
        [ "$s" = tests/vm/golden/golden-lib.sieve ] && continue  # included
        build/release/cli/sift compile -o "${s%.sieve}.svbin" "$s"
    done

and check that this test passes with the unchanged expectations.

Usage: run.py SIFT_BINARY GOLDEN_HOST_BINARY"""
import json
import os
import re
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
DOC = os.path.join(HERE, "..", "..", "..", "docs", "BYTECODE.md")
ENVELOPE = ["--from", "anna@example.com", "--to", "bob@example.net"]
SIFT = None
GOLDEN_HOST = None


class Case:
    """An image, what runs it ("sift": `sift run`; "host": sift_golden_host,
    in its fixed world), on which message, with which exit status."""

    def __init__(self, name, runner="sift", message="message.eml", exit_code=0, options=()):
        self.name, self.runner, self.message, self.exit_code = name, runner, message, exit_code
        self.options = list(options)  # more `sift run` options


# The scripts with images; golden-lib.sieve is included by include.sieve.
CASES = [
    Case("core"),
    Case("variables"),
    Case("vacation"),
    Case("editheader"),
    Case("mime"),
    Case("include"),
    Case("reject"),
    Case("extras"),
    Case("tests"),
    Case("ereject"),
    Case("error", exit_code=3),  # a runtime error: `sift run` exits 3
    Case("defects", message="defects.eml"),
    Case("authres", message="authres.eml", options=["--authserv-id", "mx.example.net"]),
    Case("attachment", message="attachment.eml"),
    Case("mailstore", runner="host"),
    Case("policy", runner="host"),
    Case("score"),
    Case("score-rules"),
    Case("replycode"),
    Case("dateage", runner="host"),
    Case("charset", message="charset.eml"),
    Case("link", message="link.eml"),
]
NAMES = [c.name for c in CASES]

# The opcodes no script compiled by Sift's own registry contains, and why.
UNCOVERED = {
    "call_host": "emitted only by a frontend's own commands (the conformance runner's "
    "vnd.dovecot.testsuite), compiled with that frontend's registry and run with its "
    "command host; script::load and `sift run` have neither",
}


def opcode_table():
    """{number: (name, operand kinds)} from the generated table of the doc."""
    table = {}
    with open(DOC, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"\| (\d+) \| `(\w+)` \| (?:`(\w*)`)? \|", line)
            if m:
                table[int(m.group(1))] = (m.group(2), m.group(3) or "")
    return table


class Image:
    """Decodes an image by the layout of docs/BYTECODE.md."""

    def __init__(self, data, table):
        self.data, self.pos, self.table = data, 0, table
        assert self.take(8) == b"SIFTBC\r\n", "bad magic"
        self.version = int.from_bytes(self.take(4), "little")
        self.capabilities = [self.string() for _ in range(self.varint())]
        self.strings = []
        for _ in range(self.varint()):
            flag = self.varint()
            assert flag in (0, 1), "bad template flag"
            self.strings.append(self.string())
        self.variables = [self.string() for _ in range(self.varint())]
        self.lists = []
        for _ in range(self.varint()):
            self.lists.append([self.varint() for _ in range(self.varint())])
        self.code = []  # (offset of the opcode byte, number)
        for _ in range(self.varint()):
            offset, number = self.pos, self.take(1)[0]
            assert number in table, f"unknown opcode {number} at byte {offset}"
            for _ in table[number][1]:
                self.varint()
            self.code.append((offset, number))
        covered = 0
        for _ in range(self.varint()):
            covered += self.varint()
            self.varint()
        assert covered == len(self.code), "line table does not cover the code"
        assert self.pos == len(data), "bytes after the line table"

    def take(self, n):
        assert self.pos + n <= len(self.data), "truncated"
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def varint(self):
        value, shift = 0, 0
        while True:
            byte = self.take(1)[0]
            value |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                return value

    def string(self):
        return self.take(self.varint())


def mismatch(expected, actual, where="result"):
    """None when `actual` has everything `expected` says, else why not."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return f"{where}: expected an object, got {actual!r}"
        for key, value in expected.items():
            if key not in actual:
                return f"{where}: no {key!r}"
            why = mismatch(value, actual[key], f"{where}.{key}")
            if why:
                return why
        return None
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return f"{where}: expected {expected!r}, got {actual!r}"
        if where.endswith(".flags"):
            return None if sorted(expected) == sorted(actual) else f"{where}: expected {expected!r}, got {actual!r}"
        for i, (e, a) in enumerate(zip(expected, actual)):
            why = mismatch(e, a, f"{where}[{i}]")
            if why:
                return why
        return None
    return None if expected == actual else f"{where}: expected {expected!r}, got {actual!r}"


def run_image(path, case=None):
    case = case or Case("")
    message = os.path.join(HERE, case.message)
    if case.runner == "host":
        command = [GOLDEN_HOST, path, message]  # the envelope is ENVELOPE's, built in
    else:
        command = [SIFT, "run", "--json", *ENVELOPE, *case.options, path, message]
    p = subprocess.run(command, capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def expected(name):
    with open(os.path.join(HERE, name + ".expect.json"), encoding="utf-8") as f:
        return json.load(f)


def image_bytes(name):
    with open(os.path.join(HERE, name + ".svbin"), "rb") as f:
        return f.read()


class Golden(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.table = opcode_table()
        cls.tmp = tempfile.TemporaryDirectory()

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def write(self, name, data):
        path = os.path.join(self.tmp.name, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def test_doc_lists_opcodes(self):
        self.assertGreater(len(self.table), 60)

    def test_images_give_the_expected_results(self):
        for case in CASES:
            with self.subTest(case.name):
                code, out, err = run_image(os.path.join(HERE, case.name + ".svbin"), case)
                self.assertEqual(code, case.exit_code, err)
                why = mismatch(expected(case.name), json.loads(out))
                self.assertIsNone(why, f"{case.name}.svbin: {why}\n{out}")

    def test_every_script_has_an_image_and_a_result(self):
        scripts = {f[: -len(".sieve")] for f in os.listdir(HERE) if f.endswith(".sieve")}
        self.assertEqual(scripts - {"golden-lib"}, set(NAMES), "each NAME.sieve here is a case of CASES")
        for name in NAMES:
            for ext in (".svbin", ".expect.json"):
                self.assertTrue(os.path.exists(os.path.join(HERE, name + ext)), name + ext)

    def test_images_decode_by_the_documented_layout(self):
        for name in NAMES:
            with self.subTest(name):
                image = Image(image_bytes(name), self.table)
                self.assertEqual(image.version, 1)

    def test_every_opcode_is_in_an_image(self):
        # So that a new opcode, or a script that stopped compiling to what
        # it tests, fails here.
        used = set()
        for name in NAMES:
            used.update(self.table[n][0] for _, n in Image(image_bytes(name), self.table).code)
        names = {name for name, _ in self.table.values()}
        self.assertEqual(set(UNCOVERED) - names, set(), "UNCOVERED names an opcode the table does not have")
        self.assertEqual(used & set(UNCOVERED), set(), "an image uses an opcode UNCOVERED says none can")
        missing = sorted(names - used - set(UNCOVERED))
        self.assertEqual(missing, [], "opcodes in no golden image: add a script that uses each to "
                         "tests/vm/golden (its image and hand-written result, a Case in CASES), or "
                         "list it in UNCOVERED with the reason no script can reach it")

    # The checks below show the test can fail: each patch must be noticed.

    def test_a_patched_version_is_refused(self):
        data = bytearray(image_bytes("core"))
        data[8] = 2
        code, out, err = run_image(self.write("v2.svbin", bytes(data)))
        self.assertNotEqual(code, 0)
        self.assertIn("unsupported bytecode version 2, made by a newer Sift", out + err)

    def test_an_unknown_opcode_byte_is_refused(self):
        free = next(n for n in range(256) if n not in self.table)
        data = bytearray(image_bytes("core"))
        offset, _ = Image(bytes(data), self.table).code[0]
        data[offset] = free
        code, out, err = run_image(self.write("unknown.svbin", bytes(data)))
        self.assertNotEqual(code, 0)
        self.assertIn(f"unknown opcode {free}", out + err)

    def test_a_renumbered_opcode_changes_the_result(self):
        # What a renumbering does to a stored image: the byte of act_keep
        # read as act_discard (both without operands) still loads, and the
        # comparison with the expected result fails.
        number = {name: n for n, (name, _) in self.table.items()}
        data = bytearray(image_bytes("core"))
        offsets = [o for o, n in Image(bytes(data), self.table).code if n == number["act_keep"]]
        self.assertEqual(len(offsets), 1)
        data[offsets[0]] = number["act_discard"]
        code, out, err = run_image(self.write("renumbered.svbin", bytes(data)))
        self.assertEqual(code, 0, err)
        self.assertIsNotNone(mismatch(expected("core"), json.loads(out)))


if __name__ == "__main__":
    SIFT = sys.argv.pop(1)
    GOLDEN_HOST = sys.argv.pop(1)
    unittest.main()
