#!/usr/bin/env python3
"""The `sift` command-line contract (README "The sift tool"): exit codes,
diagnostics, the --json shape, bytecode round trips, and `sift filter` over
mbox files (LF, CRLF, mboxrd quoting, a file large enough to be split by
several threads), Maildirs and directories. Standard library only.

Usage: test_cli.py SIFT_BINARY"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

SIFT = None


def sift(*args, stdin=None):
    p = subprocess.run([SIFT, *args], capture_output=True, text=True, input=stdin)
    return p.returncode, p.stdout, p.stderr


def write(path, text):
    if isinstance(text, bytes):
        with open(path, "wb") as f:
            f.write(text)
    else:
        with open(path, "w", newline="") as f:
            f.write(text)
    return path


MESSAGE = "From: Anna <anna@example.com>\nTo: bob@example.net\nSubject: {subject}\n\n{body}\n"


class Cli(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def path(self, name):
        return os.path.join(self.dir, name)

    def test_check_reports_file_line_column_and_exit_1(self):
        good = write(self.path("good.sieve"), "keep;\n")
        bad = write(self.path("bad.sieve"), "keep;\nif header :contain \"subject\" \"x\" { }\n")
        self.assertEqual(sift("check", good)[0], 0)
        code, _, err = sift("check", good, bad)
        self.assertEqual(code, 1)
        self.assertIn(bad + ":2:11: error: unknown tag :contain for test 'header'", err)
        self.assertIn("          ^", err)  # caret under the tag

    def test_check_reports_every_broken_command(self):
        bad = write(self.path("broken.sieve"), "keep ]\nstop;\nif true { discard ) }\nfileinto \"x\" }\n")
        code, _, err = sift("check", bad)
        self.assertEqual(code, 1)
        lines = [l for l in err.splitlines() if ": error: " in l]
        self.assertEqual([l.split(": error: ")[0] for l in lines],
                         [bad + ":1:6", bad + ":3:19", bad + ":4:14"], err)

    def test_usage_errors_exit_2(self):
        self.assertEqual(sift("frobnicate")[0], 2)
        self.assertEqual(sift("run", "only-one-arg")[0], 2)
        self.assertEqual(sift("check", self.path("missing.sieve"))[0], 2)

    def test_version_and_help_exit_0(self):
        code, out, _ = sift("--version")
        self.assertEqual(code, 0)
        self.assertRegex(out, r"^sift [0-9]+\.[0-9]+\.[0-9]+\n$")
        for cmd in ("check", "compile", "dump", "run", "filter"):
            for args in (("help", cmd), (cmd, "--help")):
                code, out, _ = sift(*args)
                self.assertEqual(code, 0, args)
                self.assertIn("Usage: sift " + cmd, out)
        self.assertIn("--jobs", sift("help", "filter")[1])
        code, out, _ = sift("help")
        self.assertEqual(code, 0)
        self.assertIn("filter", out)
        code, _, err = sift("help", "frobnicate")
        self.assertEqual(code, 2)
        self.assertIn("unknown command 'frobnicate'", err)

    def test_bad_option_values_are_said_plainly(self):
        script = write(self.path("k.sieve"), "keep;\n")
        box = write(self.path("box.mbox"), "From x@example.com Mon Nov 23 07:00:00 2026\n" + MESSAGE.format(subject="a", body="b"))
        for bad in ("abc", "-3", "0", "2x"):
            for args in (("--jobs", bad), ("--jobs=" + bad,)):
                code, out, err = sift("filter", *args, "--script", script, box)
                self.assertEqual((code, out), (2, ""), args)
                self.assertIn("--jobs: must be a whole number from 1 to 1024, not '%s'" % bad, err)
                self.assertNotIn("stoi", err)
        code, out, _ = sift("filter", "--jobs=1", "--summary", "--script=" + script, box)
        self.assertEqual(code, 0)
        self.assertIn("1 messages in", out)
        code, _, err = sift("run", "--bogus", script, box)
        self.assertEqual(code, 2)
        self.assertIn("--bogus", err)
        code, _, err = sift("run", "--store", "redis:", script, box)
        self.assertEqual(code, 2)
        self.assertIn("no host", err)

    def test_stdin_for_script_or_message(self):
        script_text = 'require "fileinto";\nif header :is "subject" "hi" { fileinto "A"; }\n'
        script = write(self.path("s.sieve"), script_text)
        msg_text = MESSAGE.format(subject="hi", body="x")
        msg = write(self.path("m.eml"), msg_text)
        boxes = lambda out: [a["mailbox"] for a in json.loads(out)["actions"]]
        code, out, _ = sift("run", "--json", "-", msg, stdin=script_text)
        self.assertEqual((code, boxes(out)), (0, ["A"]))
        code, out, _ = sift("run", "--json", script, "-", stdin=msg_text)
        self.assertEqual((code, boxes(out)), (0, ["A"]))
        code, _, err = sift("run", "-", "-", stdin=msg_text)
        self.assertEqual(code, 2)
        self.assertIn("cannot both be -", err)
        code, _, err = sift("check", "-", stdin="keep\n")
        self.assertEqual(code, 1)
        self.assertIn("<stdin>:1:5: error:", err)  # where the ';' belongs
        self.assertEqual(sift("check", "-", stdin="keep;\n")[0], 0)
        self.assertEqual(sift("compile", "-", stdin="keep;\n")[0], 2)  # no FILE.svbin to name
        p = subprocess.run([SIFT, "compile", "-o", "-", "-"], input=b"keep;\n", capture_output=True)
        self.assertEqual(p.returncode, 0)
        self.assertTrue(p.stdout.startswith(b"SIFTBC"))
        code, out, _ = sift("filter", "--script", "-", msg, stdin=script_text)
        self.assertEqual((code, out), (0, msg + ': fileinto "A"\n'))

    def test_io_errors_give_the_reason(self):
        script = write(self.path("k.sieve"), "keep;\n")
        missing = self.path("missing.eml")
        code, out, err = sift("run", script, missing)
        self.assertEqual((code, out), (2, ""))
        self.assertIn(missing + ": No such file or directory", err)
        code, out, err = sift("compile", "-o", self.path("no/such/dir/x.svbin"), script)
        self.assertEqual(code, 2)
        self.assertIn("x.svbin: No such file or directory", err)
        os.chmod(script, 0)
        if os.geteuid() != 0:  # root reads anything
            self.assertIn("Permission denied", sift("check", script)[2])

    def test_json_errors_are_one_json_object_on_stdout(self):
        script = write(self.path("k.sieve"), "keep;\n")
        for args, status in ((("run", "--json", script, self.path("missing.eml")), "io_error"),
                             (("run", "--json", "--bogus", script, script), "usage_error"),
                             (("run", "--json", script), "usage_error"),
                             (("run", "--json", "-", "-"), "usage_error")):
            code, out, err = sift(*args, stdin="")
            self.assertEqual(code, 2, args)
            lines = out.splitlines()
            self.assertEqual(len(lines), 1, (args, out))
            j = json.loads(lines[0])
            self.assertEqual(j["status"], status, args)
            self.assertEqual(len(j["errors"]), 1)
            self.assertEqual((j["actions"], j["compile_errors"]), ([], []))
            self.assertIn(j["errors"][0], err)  # and said on stderr for a person

    def test_directory_is_an_error_not_an_empty_file(self):
        d = self.path("adir")
        os.makedirs(d)
        script = write(self.path("k.sieve"), "keep;\n")
        for args in (("check", d), ("compile", d), ("dump", d), ("run", d, script), ("run", script, d)):
            code, out, err = sift(*args)
            self.assertEqual((code, out), (2, ""), args)
            self.assertIn(d + ": Is a directory", err)

    def test_check_and_compile_accept_bytecode(self):
        script = write(self.path("c.sieve"), 'require "fileinto";\nfileinto "X";\n')
        svbin = self.path("c.svbin")
        self.assertEqual(sift("compile", "-o", svbin, script)[0], 0)
        self.assertEqual(sift("check", svbin), (0, "", ""))
        again = self.path("again.svbin")
        self.assertEqual(sift("compile", "-o", again, svbin)[0], 0)
        with open(svbin, "rb") as a, open(again, "rb") as b:
            self.assertEqual(a.read(), b.read())
        with open(svbin, "rb") as f:
            damaged = f.read()[:-3]
        write(svbin, damaged)
        code, _, err = sift("check", svbin)
        self.assertEqual(code, 1)
        self.assertIn("bytecode", err)

    def test_run_text_says_what_will_happen(self):
        script = write(self.path("t.sieve"),
                       'require ["fileinto", "imap4flags", "copy", "vacation", "editheader"];\n'
                       'fileinto :copy :flags ["\\\\Seen", "$Junk"] "Spam";\n'
                       'redirect :copy "a@example.org";\n'
                       'vacation :subject "Away" "I am away";\n'
                       'addheader "X-Tag" "yes";\n'
                       'deleteheader "Subject";\n')
        bulk = write(self.path("bulk.eml"), "From: Anna <anna@example.com>\nTo: recipient@example.com\n"
                     "Subject: hi\nPrecedence: bulk\n\nbody\n")
        code, out, _ = sift("run", script, bulk)
        self.assertEqual(code, 0)
        self.assertEqual(out.splitlines(), [
            'fileinto "Spam" :flags "\\\\Seen" "$Junk" :copy  (line 2)',
            'redirect <a@example.org> :copy  (line 3)',
            'vacation not sent (the message is bulk mail (Precedence: bulk))  (line 4)',
            'keep (implicit)',
            'addheader "X-Tag: yes"',
            'deleteheader "Subject" (field 1)'])
        personal = write(self.path("p.eml"), "From: Anna <anna@example.com>\nTo: recipient@example.com\n"
                         "Subject: hi\n\nbody\n")
        self.assertIn('vacation to <sender@example.com> "Away"  (line 4)', sift("run", script, personal)[1])
        reject = write(self.path("r.sieve"), 'require "reject";\nreject text:\nGo away.\nNow.\n.\n;\n')
        self.assertEqual(sift("run", reject, personal)[1], 'reject "Go away.\\r\\nNow.\\r\\n"  (line 2)\n')

    def test_run_text_says_where_fcc_files_the_copy(self):
        # RFC 8580 :fcc with its mailbox tags (RFC 5490 :create, RFC 5232
        # :flags, RFC 8579 :specialuse, RFC 9042 §4.3 :mailboxid), as the
        # JSON's "fcc" says them.
        script = write(self.path("f.sieve"),
                       'require ["enotify", "vacation", "fcc", "mailbox", "imap4flags", "special-use",\n'
                       '         "mailboxid"];\n'
                       'notify :fcc "Sent" :create :flags "\\\\Seen" :specialuse "\\\\Sent" :mailboxid "F42"\n'
                       '       "mailto:ops@example.org";\n'
                       'vacation :fcc "Sent" :mailboxid "F42" :subject "Away" "I am away";\n')
        msg = write(self.path("p.eml"), "From: Anna <anna@example.com>\nTo: recipient@example.com\n"
                    "Subject: hi\n\nbody\n")
        code, out, err = sift("run", script, msg)
        self.assertEqual((code, err), (0, ""))
        self.assertEqual(out.splitlines(), [
            'notify mailto:ops@example.org to <ops@example.org> "New mail from Anna <anna@example.com>: hi"'
            ' :fcc "Sent" :flags "\\\\Seen" :create :specialuse "\\\\Sent" :mailboxid "F42"  (line 3)',
            'vacation to <sender@example.com> "Away" :fcc "Sent" :mailboxid "F42"  (line 5)',
            'keep (implicit)'])

    def test_run_json_shape(self):
        script = write(self.path("s.sieve"), 'require "fileinto";\nif header :is "subject" "hi" {\n  fileinto "A";\n}\n')
        msg = write(self.path("m.eml"), MESSAGE.format(subject="hi", body="x"))
        code, out, _ = sift("run", "--json", script, msg)
        self.assertEqual(code, 0)
        lines = out.strip().split("\n")
        self.assertEqual(len(lines), 1, "exactly one JSON object on stdout")
        j = json.loads(lines[0])
        self.assertEqual(j["status"], "ok")
        self.assertEqual(j["errors"], [])
        self.assertEqual(j["compile_errors"], [])
        self.assertEqual(len(j["actions"]), 1)
        a = j["actions"][0]
        self.assertEqual((a["action"], a["mailbox"], a["implicit"], a["line"], a["copy"], a["flags"]),
                         ("fileinto", "A", False, 3, False, []))

    def test_run_json_implicit_keep_runtime_and_compile_errors(self):
        msg = write(self.path("m.eml"), MESSAGE.format(subject="x", body="y"))
        keep = write(self.path("k.sieve"), "")
        j = json.loads(sift("run", "--json", keep, msg)[1])
        self.assertEqual(j["actions"], [{"action": "keep", "mailbox": "INBOX", "flags": [], "copy": False,
                                         "implicit": True, "line": 0}])
        many = write(self.path("r.sieve"), "".join('redirect "r%d@example.com";\n' % i for i in range(6)))
        code, out, _ = sift("run", "--json", many, msg)
        j = json.loads(out)
        self.assertEqual((code, j["status"]), (3, "runtime_error"))
        self.assertEqual([a["action"] for a in j["actions"]], ["keep"])
        self.assertTrue(j["actions"][0]["implicit"])
        bad = write(self.path("b.sieve"), "keep\n")
        code, out, _ = sift("run", "--json", bad, msg)
        j = json.loads(out)
        self.assertEqual((code, j["status"]), (1, "compile_error"))
        self.assertEqual(set(j["compile_errors"][0]), {"line", "column", "message"})

    def test_run_json_replace_and_enclose(self):
        import email
        script = write(self.path("r.sieve"), 'require ["replace", "enclose", "editheader"];\n'
                       'addheader "X-A" "1";\nreplace :subject "New" "clean";\n'
                       'enclose :subject "Wrapped" "see attached";\n')
        msg = write(self.path("m.eml"), MESSAGE.format(subject="Old", body="dirty"))
        code, out, _ = sift("run", "--json", script, msg)
        j = json.loads(out)
        self.assertEqual((code, j["status"]), (0, "ok"))
        self.assertEqual(j["message_edits"], [
            {"edit": "replace", "line": 3, "after_header_edits": 1, "whole_message": True},
            {"edit": "enclose", "line": 4, "after_header_edits": 1}])
        self.assertEqual(j["header_edits"][0]["name"], "X-A")
        new = email.message_from_string(j["message"]["header"] + j["message"]["body"])
        self.assertEqual((new.get_content_type(), new["Subject"]), ("multipart/mixed", "Wrapped"))
        text, attached = new.get_payload()
        self.assertEqual(text.get_payload(), "see attached\n")
        self.assertEqual(attached.get_content_type(), "message/rfc822")
        inner = attached.get_payload()[0]
        self.assertEqual((inner["Subject"], inner["Original-Subject"], inner["X-A"]), ("New", "Old", "1"))
        self.assertEqual(inner.get_payload(), "clean\n")
        self.assertNotIn("\r", j["message"]["header"])  # the input's LF line ends
        # enclose leaves redirected mail alone: the message before it.
        self.assertIn("Subject: New\n", j["redirect_message"]["header"])
        self.assertEqual(j["redirect_message"]["body"], "clean\n")
        _, text_out, _ = sift("run", script, msg)
        self.assertIn("replace  (line 3)", text_out)
        self.assertIn("enclose  (line 4)", text_out)
        plain = json.loads(sift("run", "--json", write(self.path("k.sieve"), "keep;\n"), msg)[1])
        self.assertEqual(plain["message_edits"], [])
        self.assertNotIn("message", plain)

    def test_run_json_is_valid_utf8_for_an_8bit_header(self):
        script = write(self.path("r.sieve"), 'require ["reject", "variables"];\n'
                       'if header :matches "subject" "*" { reject "${1}"; }\n')
        msg = write(self.path("m.eml"), b"From: a@example.com\nSubject: caf\xe9\n\nbody\n")
        p = subprocess.run([SIFT, "run", "--json", script, msg], capture_output=True)
        j = json.loads(p.stdout.decode("utf-8"))  # strict: fails on any invalid byte
        self.assertEqual(j["actions"][0]["reason"], "caf\ufffd")
        self.assertIs(j["invalid_utf8_replaced"], True)
        clean = write(self.path("u.eml"), "From: a@example.com\nSubject: café\n\nbody\n".encode())
        j = json.loads(subprocess.run([SIFT, "run", "--json", script, clean], capture_output=True).stdout.decode())
        self.assertEqual(j["actions"][0]["reason"], "café")
        self.assertNotIn("invalid_utf8_replaced", j)

    def test_envelope_defaults_and_options(self):
        script = write(self.path("e.sieve"), 'require ["envelope", "fileinto"];\n'
                       'if envelope :is "from" "sender@example.com" { fileinto "Default"; }\n'
                       'if envelope :is "from" "bounce@example.org" { fileinto "ReturnPath"; }\n'
                       'if envelope :is "from" "given@example.net" { fileinto "Given"; }\n'
                       'if envelope :is "to" "recipient@example.com" { fileinto "DefaultTo"; }\n')
        plain = write(self.path("p.eml"), MESSAGE.format(subject="x", body="y"))
        rp = write(self.path("rp.eml"), "Return-Path: <bounce@example.org>\n" + MESSAGE.format(subject="x", body="y"))
        boxes = lambda *a: [x["mailbox"] for x in json.loads(sift("run", "--json", *a)[1])["actions"]]
        self.assertEqual(boxes(script, plain), ["Default", "DefaultTo"])
        self.assertEqual(boxes(script, rp), ["ReturnPath", "DefaultTo"])
        self.assertEqual(boxes("--from", "given@example.net", "--to", "x@y.example", script, rp), ["Given"])
        self.assertEqual(boxes("--from=given@example.net", "--to=x@y.example", script, rp), ["Given"])

    def test_compile_and_dump_round_trip(self):
        script = write(self.path("c.sieve"), 'require "fileinto";\nif header :contains "subject" "x" {\n  fileinto "X";\n}\n')
        out = self.path("c.svbin")
        self.assertEqual(sift("compile", "-o", out, script)[0], 0)
        with open(out, "rb") as f:
            self.assertTrue(f.read(8).startswith(b"SIFTBC"))
        code, source_dump, _ = sift("dump", script)
        code2, binary_dump, _ = sift("dump", out)
        self.assertEqual((code, code2), (0, 0))
        self.assertIn("act_fileinto", source_dump)
        self.assertEqual(source_dump.split("\n", 1)[1], binary_dump.split("\n", 1)[1])  # same code, other name
        msg = write(self.path("m.eml"), MESSAGE.format(subject="xx", body="y"))
        self.assertEqual(json.loads(sift("run", "--json", out, msg)[1])["actions"][0]["mailbox"], "X")
        write(out, b"SIFTBC\r\n\x01\x00\x00\x00\xff")
        code, _, err = sift("run", out, msg)
        self.assertEqual(code, 1)
        self.assertIn("invalid bytecode", err)

    # One header section rule for `sift run` and `sift filter` (docs/MESSAGE.md):
    # a leading mbox "From " line is an envelope line and skipped; the first
    # line that is not a field ends the section and is recorded as a defect.
    HEADER_SCRIPT = ('require "fileinto";\n'
                     'if header :is "subject" "hidden" { fileinto "Seen"; }\n')

    def test_run_skips_a_leading_mbox_from_line(self):
        script = write(self.path("s.sieve"), self.HEADER_SCRIPT)
        msg = write(self.path("m.eml"), "From sender@example.com Mon Nov 23 07:00:00 2026\n"
                    + MESSAGE.format(subject="hidden", body="x"))
        code, out, _ = sift("run", script, msg)
        self.assertEqual((code, out), (0, 'fileinto "Seen"  (line 2)\n'))
        j = json.loads(sift("run", "--json", script, msg)[1])
        self.assertEqual([a["mailbox"] for a in j["actions"]], ["Seen"])
        self.assertEqual(j["defects"], [])
        # The same file through `sift filter` gives the same answer.
        code, out, err = sift("filter", "--script", script, msg)
        self.assertEqual((code, out.splitlines()), (0, [msg + '#1: fileinto "Seen"']), err)

    def test_a_line_that_is_not_a_field_ends_the_header_section_in_run_and_filter(self):
        script = write(self.path("s.sieve"), self.HEADER_SCRIPT)
        raw = "From: Anna <anna@example.com>\nnot a header line\nSubject: hidden\n\nbody\n"
        msg = write(self.path("m.eml"), raw)
        code, out, _ = sift("run", script, msg)
        self.assertEqual(code, 0)
        self.assertEqual(out.splitlines()[0], 'keep (implicit)')
        self.assertRegex(out.splitlines()[1], r'^defect header_line_malformed: line 2 is not a header field: "not a header line"')
        j = json.loads(sift("run", "--json", script, msg)[1])
        self.assertEqual([d["name"] for d in j["defects"]], ["header_line_malformed"])
        self.assertIn("line 2", j["defects"][0]["detail"])
        box = write(self.path("box.mbox"), "From sender@example.com Mon Nov 23 07:00:00 2026\n" + raw + "\n")
        code, out, err = sift("filter", "--script", script, box)
        # filter says the defect too, as run does
        self.assertEqual((code, out.splitlines()), (0, [box + "#1: keep (implicit); defect header_line_malformed"]),
                         err)

    def test_run_json_lists_mime_defects_a_script_asked_about(self):
        script = write(self.path("d.sieve"), 'require ["vnd.sift.defects", "fileinto"];\n'
                       'if defect :is "mime_close_delimiter_missing" { fileinto "Broken"; }\n')
        msg = write(self.path("m.eml"), "Content-Type: multipart/mixed; boundary=x\n\n--x\n\npart\n")
        j = json.loads(sift("run", "--json", script, msg)[1])
        self.assertEqual([a["mailbox"] for a in j["actions"]], ["Broken"])
        self.assertEqual([d["name"] for d in j["defects"]], ["mime_close_delimiter_missing"])

    def test_run_prints_score_hits_and_totals(self):
        script = write(self.path("s.sieve"), 'require "vnd.sift.score";\n'
                       'score :rule "A" "2.5";\nscore :category "social" :rule "B" "-1";\n')
        msg = write(self.path("m.eml"), "From: Anna <anna@example.com>\nSubject: x\n\nbody\n")
        code, out, err = sift("run", script, msg)
        self.assertEqual(code, 0, err)
        self.assertEqual(out.splitlines(), ["keep (implicit)",
                                            "score spam +2.5 A (" + script + " line 2)",
                                            "score social -1 B (" + script + " line 3)",
                                            "score spam = 2.5", "score social = -1"])
        j = json.loads(sift("run", "--json", script, msg)[1])
        self.assertEqual(j["scores"], {"spam": 2.5, "social": -1})
        self.assertEqual(j["hits"], [
            {"rule": "A", "category": "spam", "weight": 2.5, "script": script, "line": 2},
            {"rule": "B", "category": "social", "weight": -1, "script": script, "line": 3}])
        box = write(self.path("box.mbox"), "From sender@example.com Mon Nov 23 07:00:00 2026\n"
                    "Subject: x\n\nbody\n")
        code, out, err = sift("filter", "--script", script, box)
        self.assertEqual((code, out.splitlines()),
                         (0, [box + "#1: keep (implicit); score spam = 2.5; score social = -1"]), err)

    def test_filter_mbox_with_quoting_and_crlf(self):
        m1 = MESSAGE.format(subject="hello", body="line\n>From the quoted line")
        m2 = MESSAGE.format(subject="spam offer", body="buy")
        m3 = MESSAGE.format(subject="crlf", body="x").replace("\n", "\r\n")
        mbox = "".join("From sender@example.com Mon Nov 23 07:00:00 2026\n" + m + "\n" for m in (m1, m2))
        mbox += "From sender@example.com Mon Nov 23 07:00:00 2026\r\n" + m3 + "\r\n"
        path = write(self.path("box.mbox"), mbox)
        # The size test makes the script read whole messages (bodies included).
        script = write(self.path("f.sieve"), 'require "fileinto";\n'
                       'if header :contains "subject" "spam" { fileinto "Spam"; }\n'
                       'if size :over 100000 { discard; }\n')
        code, out, err = sift("filter", "--script", script, path)
        self.assertEqual(code, 0, err)
        self.assertEqual(out.splitlines(), [path + "#1: keep (implicit)", path + '#2: fileinto "Spam"',
                                            path + "#3: keep (implicit)"])

    def test_filter_summary_counts_outcomes(self):
        maildir = self.path("Maildir")
        for sub in ("new", "cur", "tmp"):
            os.makedirs(os.path.join(maildir, sub))
        write(os.path.join(maildir, "new", "1"), MESSAGE.format(subject="spam", body="a"))
        write(os.path.join(maildir, "cur", "2:2,S"), MESSAGE.format(subject="ok", body="b"))
        write(os.path.join(maildir, "tmp", "3"), MESSAGE.format(subject="spam", body="not delivered yet"))
        script = write(self.path("f.sieve"), 'require "fileinto"; if header :contains "subject" "spam" { fileinto "Spam"; }')
        code, out, _ = sift("filter", "--summary", "--jobs", "1", "--script", script, maildir)
        self.assertEqual(code, 0)
        lines = out.splitlines()
        self.assertIn("       1  fileinto Spam", lines)
        self.assertIn("       1  keep", lines)
        self.assertRegex(lines[-1], r"^2 messages in [0-9.]+ s \([0-9]+ messages/s, 1 jobs\)$")

    def test_filter_runs_a_policy_with_or_without_a_script(self):
        box = write(self.path("p.mbox"),
                    "From x@example.com Mon Nov 23 07:00:00 2026\n" + MESSAGE.format(subject="a", body="b") +
                    "\nFrom x@example.com Mon Nov 23 07:00:00 2026\nList-Unsubscribe: <mailto:u@example.org>\nPrecedence: bulk\n" +
                    MESSAGE.format(subject="c", body="d"))
        code, out, _ = sift("filter", "--summary", "--jobs", "1", "--policy", "default", box)
        self.assertEqual(code, 0)
        self.assertIn("       1  fileinto Promotions", out.splitlines())
        self.assertIn("       1  keep", out.splitlines())
        # The user's script runs between before.sieve and after.sieve: its
        # fileinto ends the sequence before after.sieve's Promotions.
        user = write(self.path("u.sieve"), 'require "fileinto"; fileinto "Mine";')
        code, out, _ = sift("filter", "--summary", "--jobs", "1", "--policy", "default", "--script", user, box)
        self.assertEqual(code, 0)
        self.assertIn("       2  fileinto Mine", out.splitlines())
        code, out, err = sift("filter", box)
        self.assertEqual((code, out), (2, ""))
        self.assertIn("--script or --policy is required", err)
        code, _, err = sift("filter", "--policy", self.path("no-such-dir"), box)
        self.assertEqual(code, 2)
        self.assertIn("not a directory", err)

    def test_filter_directory_of_eml_files(self):
        d = self.path("dir")
        os.makedirs(os.path.join(d, "sub"))
        write(os.path.join(d, "a.eml"), MESSAGE.format(subject="spam", body="a"))
        write(os.path.join(d, "sub", "b.eml"), MESSAGE.format(subject="ok", body="b"))
        write(os.path.join(d, "notes.txt"), "not a message")
        script = write(self.path("f.sieve"), 'require "fileinto"; if header :contains "subject" "spam" { fileinto "Spam"; }')
        out = sift("filter", "--script", script, d)[1].splitlines()
        self.assertEqual(out, [os.path.join(d, "a.eml") + ': fileinto "Spam"', os.path.join(d, "sub", "b.eml") + ": keep (implicit)"])


    def test_filter_directory_walk_follows_file_links_not_directory_links(self):
        # What std::filesystem's recursive iterator saw, which the walk
        # replaced: links to files count, links to directories are not
        # followed (no loop), ".eml" alone is a hidden name, not a suffix.
        d = self.path("walk")
        os.makedirs(os.path.join(d, "deep", "er"))
        write(os.path.join(d, "deep", "er", "c.eml"), MESSAGE.format(subject="spam", body="c"))
        target = write(self.path("outside.eml"), MESSAGE.format(subject="ok", body="o"))
        os.symlink(target, os.path.join(d, "link.eml"))
        os.symlink(d, os.path.join(d, "deep", "loop"))
        os.symlink(self.path("nowhere"), os.path.join(d, "broken.eml"))
        write(os.path.join(d, ".eml"), MESSAGE.format(subject="spam", body="hidden"))
        script = write(self.path("f.sieve"), 'require "fileinto"; if header :contains "subject" "spam" { fileinto "Spam"; }')
        code, out, err = sift("filter", "--script", script, d + "/")
        self.assertEqual(code, 0, err)
        self.assertEqual(out.splitlines(), [d + "/deep/er/c.eml: fileinto \"Spam\"", d + "/link.eml: keep (implicit)"])
        self.assertIn(d + "/: passed over 1 file not named .eml or .mbox: .eml", err)
        os.chmod(os.path.join(d, "deep"), 0)
        try:
            if os.geteuid() != 0:  # root reads it anyway
                code, _, err = sift("filter", "--script", script, d)
                self.assertEqual(code, 2)
                self.assertIn(os.path.join(d, "deep") + ": Permission denied", err)
        finally:
            os.chmod(os.path.join(d, "deep"), 0o755)
    def test_filter_large_mbox_split_by_threads(self):
        # Over 8 MiB, so the separators are searched by several threads;
        # every message must be found exactly once, in order.
        count = 6000
        parts = []
        for i in range(count):
            subject = "spam %d" % i if i % 7 == 0 else "mail %d" % i
            parts.append("From x@example.com Mon Nov 23 07:00:00 2026\n"
                         + MESSAGE.format(subject=subject, body=("filler line\n" * 120) + "From inside a line is fine\n") + "\n")
        path = write(self.path("big.mbox"), "".join(parts))
        self.assertGreater(os.path.getsize(path), 8 << 20)
        script = write(self.path("f.sieve"), 'require "fileinto"; if header :contains "subject" "spam" { fileinto "Spam"; }')
        out = sift("filter", "--script", script, path)[1].splitlines()
        self.assertEqual(len(out), count)
        for i in (0, 1, 7, count - 1):
            expected = 'fileinto "Spam"' if i % 7 == 0 else "keep (implicit)"
            self.assertEqual(out[i], "%s#%d: %s" % (path, i + 1, expected))


    def test_filter_empty_mbox_has_no_message(self):
        empty = write(self.path("empty.mbox"), "")
        script = write(self.path("k.sieve"), "keep;\n")
        code, out, err = sift("filter", "--script", script, empty)
        self.assertEqual((code, out), (0, ""))
        self.assertIn(empty + ": empty file, no message", err)
        code, out, err = sift("filter", "--summary", "--script", script, empty)
        self.assertEqual(code, 0)
        self.assertRegex(out, r"^0 messages in ")

    def test_filter_says_each_messages_defects_and_counts_them_apart(self):
        ok = MESSAGE.format(subject="fine", body="b")
        broken = "From: a@example.com\nnot a header line\nSubject: hidden\n\nbody\n"
        box = "".join("From x@example.com Mon Nov 23 07:00:00 2026\n" + m + "\n" for m in (ok, broken, broken))
        path = write(self.path("d.mbox"), box)
        script = write(self.path("k.sieve"), "keep;\n")
        code, out, _ = sift("filter", "--script", script, path)
        self.assertEqual(code, 0)
        self.assertEqual(out.splitlines(), [path + "#1: keep", path + "#2: keep; defect header_line_malformed",
                                            path + "#3: keep; defect header_line_malformed"])
        code, out, _ = sift("filter", "--summary", "--script", script, path)
        self.assertIn("       1  keep", out.splitlines())
        self.assertIn("       2  keep [defect header_line_malformed]", out.splitlines())

    def test_filter_json_is_one_run_report_per_message(self):
        box = "".join("From x@example.com Mon Nov 23 07:00:00 2026\n" + MESSAGE.format(subject=s, body="b") + "\n"
                      for s in ("spam offer", "hello"))
        path = write(self.path("j.mbox"), box)
        script = write(self.path("f.sieve"), 'require "fileinto"; if header :contains "subject" "spam" { fileinto "Spam"; }')
        code, out, _ = sift("filter", "--json", "--script", script, path)
        self.assertEqual(code, 0)
        reports = [json.loads(line) for line in out.splitlines()]
        self.assertEqual([r["message"] for r in reports], [path + "#1", path + "#2"])
        self.assertEqual([r["verdict"]["folders"] for r in reports], [["Spam"], ["INBOX"]])
        self.assertEqual(reports[0]["actions"][0]["line"], 1)
        code, out, err = sift("filter", "--json", "--summary", "--script", script, path)
        self.assertNotEqual(code, 0)  # --json and --summary exclude each other
        broken = write(self.path("broken.sieve"), "if {")
        code, out, _ = sift("filter", "--json", "--script", broken, path)
        self.assertEqual(code, 1)
        self.assertEqual(json.loads(out)["status"], "compile_error")

    def test_filter_mbox_with_leading_blank_lines(self):
        for lead in ("\n", "\r\n", "\n\n"):
            box = lead + "".join("From x@example.com Mon Nov 23 07:00:00 2026\n"
                                 + MESSAGE.format(subject="m%d" % i, body="b") + "\n" for i in range(1000))
            path = write(self.path("lead.mbox"), box)
            script = write(self.path("k.sieve"), "keep;\n")
            code, out, _ = sift("filter", "--summary", "--script", script, path)
            self.assertEqual(code, 0)
            self.assertIn("    1000  keep", out.splitlines(), repr(lead))

    def test_filter_says_what_it_passed_over(self):
        d = self.path("notes")
        os.makedirs(d)
        for name in ("a.txt", "b.txt", "c.txt", "d.txt"):
            write(os.path.join(d, name), MESSAGE.format(subject="x", body="y"))
        script = write(self.path("k.sieve"), "keep;\n")
        code, out, err = sift("filter", "--script", script, d)
        self.assertEqual((code, out), (0, ""))
        self.assertIn(d + ": passed over 4 files not named .eml or .mbox: a.txt, b.txt, c.txt and 1 more", err)
        self.assertIn("no messages found", err)

    def test_filter_unreadable_path_is_an_io_error(self):
        script = write(self.path("k.sieve"), "keep;\n")
        code, out, err = sift("filter", "--script", script, "-", stdin="")
        self.assertEqual((code, out), (2, ""))
        self.assertIn("PATH cannot be - (stdin)", err)
        code, out, err = sift("filter", "--script", script, self.path("nowhere.mbox"))
        self.assertEqual((code, out), (2, ""))
        self.assertIn("nowhere.mbox: No such file or directory", err)

    def test_filter_slices_find_every_message_once(self):
        # Several 1 MiB slices, CRLF and LF messages of varied sizes, body
        # lines starting with "From" that are not separators: every message
        # once, in order, named by its subject.
        parts = []
        for i in range(4000):
            eol = "\r\n" if i % 3 == 0 else "\n"
            body = "text" + eol + ("x" * (1 + i % 97) + eol) * (i % 41) + "From the body, not a separator" + eol
            text = MESSAGE.format(subject="s%d" % i, body=body).replace("\n", eol)
            parts.append("From x@example.com Mon Nov 23 07:00:00 2026" + eol + text + eol)
        path = write(self.path("slices.mbox"), "".join(parts))
        self.assertGreater(os.path.getsize(path), 3 << 20)
        script = write(self.path("f.sieve"), 'require ["fileinto", "variables"];\n'
                       'if header :matches "subject" "*" { fileinto "${1}"; }\n')
        for jobs in ("1", "2", "3"):
            code, out, _ = sift("filter", "--jobs", jobs, "--script", script, path)
            self.assertEqual(code, 0)
            lines = out.splitlines()
            self.assertEqual(len(lines), 4000, jobs)
            for i, line in enumerate(lines):  # one by one: a diff of 4000 lines takes minutes
                self.assertEqual(line, '%s#%d: fileinto "s%d"' % (path, i + 1, i), jobs)

    def test_filter_memory_stays_small_for_a_large_mbox(self):
        one = "From x@example.com Mon Nov 23 07:00:00 2026\n" + MESSAGE.format(subject="s", body="y" * 4000) + "\n"
        path = self.path("large.mbox")
        with open(path, "w") as f:
            for _ in range(12):
                f.write(one * 1000)  # 48 MB in all
        script = write(self.path("k.sieve"), "keep;\n")
        # A child's peak memory counts the memory of the process that
        # started it, so sift is started from a small fresh Python.
        probe = ("import resource, subprocess, sys\n"
                 "p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
                 "print(p.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
                 "print(p.stdout, end='')\n")
        out = subprocess.run([sys.executable, "-c", probe, SIFT, "filter", "--summary", "--script", script, path],
                             capture_output=True, text=True).stdout
        status, peak_kib = map(int, out.split("\n", 1)[0].split())
        self.assertEqual(status, 0)
        self.assertIn("   12000  keep", out.splitlines())
        # AddressSanitizer's shadow memory and quarantine are no measure of
        # what sift keeps: the bound holds for the release build.
        if not os.environ.get("SIFT_SANITIZED"):
            self.assertLess(peak_kib, 30 << 10, "the mbox is mapped and let go slice by slice")

class ListCommand(unittest.TestCase):
    """sift list against an LMDB store, and sift run looking the lists up
    from the same store (README "sift list"). Expected outputs follow the
    entry rules of sift/lists.hpp, worked out by hand."""

    SCRIPT = (
        'require ["extlists", "fileinto"];\n'
        'if address :list "from" ["tag:sift,2026:user/block", "tag:sift,2026:block"] { fileinto "Spam"; }\n'
    )

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.store = "lmdb:" + os.path.join(self.tmp.name, "state.mdb")
        self.script = write(os.path.join(self.tmp.name, "s.sieve"), self.SCRIPT)

    def tearDown(self):
        self.tmp.cleanup()

    def run_from(self, sender, to):
        msg = write(os.path.join(self.tmp.name, "m.eml"), MESSAGE.format(subject="x", body="y").replace(
            "anna@example.com", sender))
        return sift("run", "--json", "--store", self.store, "--to", to, self.script, msg)

    def folder(self, sender, to):
        code, out, err = self.run_from(sender, to)
        self.assertEqual(code, 0, err)
        return json.loads(out)["verdict"]["folders"]

    def test_add_show_remove(self):
        self.assertEqual(sift("list", "add", "--store", self.store, "block", "Spammer@Bad.Example", "@Spam.example",
                              "@.junk.example", "spammer@bad.example"),
                         (0, "added 3 of 4 to tag:sift,2026:block\n", ""))
        self.assertEqual(sift("list", "show", "--store", self.store, "block"),
                         (0, "@.junk.example\n@spam.example\nspammer@bad.example\n", ""))
        self.assertEqual(sift("list", "remove", "--store", self.store, "block", "@SPAM.example", "x@y.example"),
                         (0, "removed 1 of 2 from tag:sift,2026:block\n", ""))
        self.assertEqual(sift("list", "show", "--store", self.store, "block")[1],
                         "@.junk.example\nspammer@bad.example\n")
        self.assertEqual(sift("list", "show", "--store", self.store, "allow"), (0, "", ""))

    def test_run_looks_lists_up_in_the_store(self):
        sift("list", "add", "--store", self.store, "--user", "Anna+News@Example.com", "block", "@annoying.example")
        sift("list", "add", "--store", self.store, "block", "@.junk.example")
        self.assertEqual(self.folder("x@annoying.example", "anna@example.com"), ["Spam"])
        self.assertEqual(self.folder("x@annoying.example", "ANNA+lists@example.com"), ["Spam"])  # +detail removed
        self.assertEqual(self.folder("x@annoying.example", "bob@example.com"), ["INBOX"])  # anna's, not bob's
        self.assertEqual(self.folder("x@a.b.junk.example", "bob@example.com"), ["Spam"])  # global, subdomain
        self.assertEqual(self.folder("x@notjunk.example", "bob@example.com"), ["INBOX"])

    def test_import_replaces_the_list(self):
        sift("list", "add", "--store", self.store, "allow", "old@example.org")
        entries = write(os.path.join(self.tmp.name, "allow.txt"), "# friends\nA@Example.org\n\n@Friends.example\n")
        self.assertEqual(sift("list", "import", "--store", self.store, "allow", entries),
                         (0, "imported 2 entries into tag:sift,2026:allow\n", ""))
        self.assertEqual(sift("list", "show", "--store", self.store, "allow")[1], "@friends.example\na@example.org\n")
        code, out, _ = sift("list", "import", "--store", self.store, "--user", "bob@example.com", "allow", "-",
                            stdin="c@example.org\n")
        self.assertEqual((code, out), (0, "imported 1 entries into tag:sift,2026:users/bob@example.com/allow\n"))

    def test_bad_input_changes_nothing(self):
        sift("list", "add", "--store", self.store, "allow", "keep@example.org")
        bad = write(os.path.join(self.tmp.name, "bad.txt"), "good@example.org\nnot an entry\n@\n")
        code, out, err = sift("list", "import", "--store", self.store, "allow", bad)
        self.assertEqual(code, 2)
        self.assertIn(bad + ":2: entry 'not an entry' holds a space or a control character", err)
        self.assertIn(bad + ":3: entry '@': the domain is empty (2 bad entries; nothing imported)", err)
        code, _, err = sift("list", "add", "--store", self.store, "allow", "fine@example.org", "nodomain")
        self.assertEqual(code, 2)
        self.assertIn("sift list: entry 'nodomain' is neither an address (anna@example.com) nor a domain", err)
        self.assertEqual(sift("list", "show", "--store", self.store, "allow")[1], "keep@example.org\n")
        # Without --store: the default store (docs/CONFIG.md), which reads
        # as empty before anything was written to it.
        self.assertEqual(sift("list", "show", "block")[:2], (0, ""))
        for args, message in [
            (["show", "--store", "memory", "block"], "a memory store keeps nothing"),
            (["show", "--store", self.store, "grey"], "the list is allow or block, not 'grey'"),
            (["frob", "--store", self.store, "block"], "the action is add, remove, show or import, not 'frob'"),
            (["add", "--store", self.store, "block"], "add needs at least one entry"),
            (["show", "--store", self.store, "--user", "nobody", "block"], "--user nobody: not an address"),
            (["import", "--store", self.store, "block", os.path.join(self.tmp.name, "missing.txt")],
             "missing.txt: No such file or directory"),
        ]:
            code, _, err = sift("list", *args)
            self.assertEqual(code, 2, args)
            self.assertIn(message, err, args)

    def test_a_store_that_is_down_is_a_lookup_failure(self):
        code, out, err = self.run_from("x@example.org", "bob@example.com")
        self.assertEqual(code, 0, err)  # an empty LMDB store: no list, no match
        code, out, _ = sift("run", "--json", "--store", "redis:127.0.0.1:1", "--to", "bob@example.com", self.script,
                            write(os.path.join(self.tmp.name, "n.eml"), "From: x@example.org\n\nbody\n"))
        report = json.loads(out)
        self.assertTrue(report["lookup_failed"])
        self.assertIn("redis 127.0.0.1:1: connect: Connection refused", report["errors"][0])
        self.assertEqual(report["verdict"]["folders"], ["INBOX"])  # the message is kept
        self.assertEqual(sift("list", "show", "--store", "redis:127.0.0.1:1", "block")[0], 2)


if __name__ == "__main__":
    SIFT = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=1)
