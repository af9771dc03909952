#!/usr/bin/env python3
"""Golden bytecode images (docs/BYTECODE.md "Golden images").

Each NAME.sieve here was compiled once by `sift compile` into NAME.svbin,
which is committed. This test loads every committed image with `sift run
--json` on message.eml and compares the result with NAME.expect.json, which
was written by hand from the RFCs (not produced by Sift). So an opcode
renumbered, an operand changed or the encoding changed fails here, unless
the format version was raised too (then the images are refused and the
test fails anyway, saying to make them again).

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

Usage: run.py SIFT_BINARY"""
import json
import os
import re
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
DOC = os.path.join(HERE, "..", "..", "..", "docs", "BYTECODE.md")
MESSAGE = os.path.join(HERE, "message.eml")
ENVELOPE = ["--from", "anna@example.com", "--to", "bob@example.net"]
SIFT = None

# The scripts with images; golden-lib.sieve is included by include.sieve.
CASES = ["core", "variables", "vacation", "editheader", "mime", "include", "reject", "extras"]


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


def run_image(path):
    p = subprocess.run([SIFT, "run", "--json", *ENVELOPE, path, MESSAGE], capture_output=True, text=True)
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
        for name in CASES:
            with self.subTest(name):
                code, out, err = run_image(os.path.join(HERE, name + ".svbin"))
                self.assertEqual(code, 0, err)
                why = mismatch(expected(name), json.loads(out))
                self.assertIsNone(why, f"{name}.svbin: {why}\n{out}")

    def test_images_decode_by_the_documented_layout(self):
        used = set()
        for name in CASES:
            with self.subTest(name):
                image = Image(image_bytes(name), self.table)
                self.assertEqual(image.version, 1)
                used.update(n for _, n in image.code)
        # The images use 44 of the opcodes (the others need a host with
        # mailboxes, metadata, lists or scores); making them again must not
        # lose any (a script that stopped compiling to what it tests).
        self.assertGreaterEqual(len(used), 44, sorted(self.table[n][0] for n in used))

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
    unittest.main()
