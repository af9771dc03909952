#!/usr/bin/env python3
"""`sift eval` (README "sift eval"): a hand-made labelled corpus over a
policy of four rules whose weights are known, so that every number of the
report — spam caught, false positives, the threshold sweep, each rule's
hits, S/O and precision, the groups — is worked out by hand below, not by
the code under test. Standard library only.

Usage: test_eval.py SIFT_BINARY"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

SIFT = None

# A (aaa) 3, B (bbb) 2.5, C (ccc) -1, D (ddd) 7; "block" in the subject is
# refused before any score (another rule, score 0); 10 or more refused as
# spam, 5 or more to Spam; after.sieve files "promo" into Promotions.
BEFORE = """require ["vnd.sift.score", "fileinto", "ereject", "relational", "comparator-i;ascii-numeric"];
if header :contains "subject" "block" { ereject "blocked"; stop; }
if header :contains "subject" "aaa" { score :rule "A" "3"; }
if header :contains "subject" "bbb" { score :rule "B" "2.5"; }
if header :contains "subject" "ccc" { score :rule "C" "-1"; }
if header :contains "subject" "ddd" { score :rule "D" "7"; }
if score :value "ge" "10" { ereject "spam"; stop; }
if score :value "ge" "5" { fileinto "Spam"; stop; }
"""
AFTER = """require ["fileinto"];
if header :contains "subject" "promo" { fileinto "Promotions"; }
"""


def message(subject, received=None):
    head = ""
    if received:
        head = f"Received: from a.example by mx.example.net; {received}\n"
    return head + f"From: x@example.com\nTo: y@example.net\nSubject: {subject}\n\nHello.\n"


# file -> (label, groups, subjects (an mbox holds several))
CORPUS = {
    "s1.eml": ("spam", ["g1"], ["aaa bbb"]),  # 5.5: Spam
    "s2.eml": ("spam", ["g1"], ["aaa"]),  # 3: INBOX
    "s3.eml": ("spam", ["g1"], ["block"]),  # refused, score 0
    "s4.mbox": ("spam", ["g2"], ["bbb", "aaa bbb ccc"]),  # 2.5, 4.5: INBOX both
    "sub/s5.eml": ("spam", ["g2", "g3"], ["aaa ddd"]),  # 10: refused
    "h1.eml": ("ham", ["g1"], ["hello"]),  # 0: INBOX
    "h2.eml": ("ham", ["g1"], ["promo aaa"]),  # 3: Promotions
    "h3.eml": ("ham", ["g1"], ["aaa bbb ccc"]),  # 4.5: INBOX
    "h4.eml": ("ham", ["g2"], ["aaa bbb"]),  # 5.5: Spam, a false positive
    "h5.eml": ("ham", ["g2"], ["bbb promo"]),  # 2.5: Promotions
}


def sift(*args):
    p = subprocess.run([SIFT, *args], capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


class Eval(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name
        self.policy = os.path.join(self.dir, "policy")
        self.mail = os.path.join(self.dir, "mail")
        os.makedirs(self.policy)
        os.makedirs(os.path.join(self.mail, "sub"))
        self.write(os.path.join(self.policy, "before.sieve"), BEFORE)
        self.write(os.path.join(self.policy, "after.sieve"), AFTER)
        lines = []
        for name, (label, groups, subjects) in CORPUS.items():
            if name.endswith(".mbox"):
                text = "".join(f"From x@example.com Mon Nov 23 09:00:00 2026\n{message(s)}\n" for s in subjects)
            else:
                text = message(subjects[0])
            self.write(os.path.join(self.mail, name), text)
            lines.append("\t".join([name, label, *groups]))
        self.labels = self.write(os.path.join(self.dir, "labels"), "# a comment\n\n" + "\n".join(lines) + "\n")

    def tearDown(self):
        self.tmp.cleanup()

    def write(self, path, text):
        with open(path, "w") as f:
            f.write(text)
        return path

    def eval_json(self, *extra, policy=None):
        code, out, err = sift("eval", "--policy", policy or self.policy, "--labels", self.labels, "--json",
                              *extra, self.mail)
        self.assertEqual(code, 0, err)
        self.assertEqual(err, "")  # no progress line when stderr is not a terminal
        return json.loads(out)

    def test_totals_as_the_policy_decided(self):
        r = self.eval_json("--sweep", "2.5,3,5,10")
        # Spam: 6 messages in 5 files; s1 (Spam), s3 and s5 (refused) caught.
        self.assertEqual(r["spam"], {"total": 6, "caught": 3, "refused": 2, "delivered": {"INBOX": 3}})
        # Ham: h4 to Spam is the one false positive; Promotions is not one.
        self.assertEqual(r["ham"],
                         {"total": 5, "false_positives": 1, "refused": 0,
                          "delivered": {"INBOX": 2, "Promotions": 2}})
        self.assertEqual(r["errors"], 0)

    def test_threshold_sweep(self):
        r = self.eval_json("--sweep", "10,2.5,5,3")  # sorted in the report
        # Spam scores 5.5, 3, 0 (s3, caught by another rule: at every
        # threshold), 2.5, 4.5, 10; ham 0, 3, 4.5, 5.5, 2.5.
        self.assertEqual(r["by_threshold"], [
            {"threshold": 2.5, "spam_caught": 6, "ham_false_positives": 4},
            {"threshold": 3, "spam_caught": 5, "ham_false_positives": 3},
            {"threshold": 5, "spam_caught": 3, "ham_false_positives": 1},
            {"threshold": 10, "spam_caught": 2, "ham_false_positives": 0},
        ])

    def test_rules_with_s_o_and_precision(self):
        r = self.eval_json()
        rules = {x["rule"]: x for x in r["rules"]}
        self.assertEqual(set(rules), {"A", "B", "C", "D"})
        # A: spam s1 s2 s4#2 s5 (4 of 6), ham h2 h3 h4 (3 of 5).
        # S/O = 66.6667 / (66.6667 + 60) = 0.5263; precision 4/7.
        expect = {"A": (3, 4, 3, 66.6667, 60.0, 0.5263, 0.5714),
                  "B": (2.5, 3, 3, 50.0, 60.0, 0.4545, 0.5),  # s1 s4#1 s4#2; h3 h4 h5
                  "C": (-1, 1, 1, 16.6667, 20.0, 0.4545, 0.5),  # s4#2; h3
                  "D": (7, 1, 0, 16.6667, 0.0, 1.0, 1.0)}  # s5
        for name, (w, sh, hh, sp, hp, so, prec) in expect.items():
            x = rules[name]
            self.assertEqual((x["weight"], x["spam_hits"], x["ham_hits"]), (w, sh, hh), name)
            for key, value in (("spam_percent", sp), ("ham_percent", hp), ("s_o", so), ("precision", prec)):
                self.assertAlmostEqual(x[key], value, places=4, msg=f"{name} {key}")
        # hit-frequencies' order: the highest S/O first; B and C tie
        # (5/11), B with more hits first.
        self.assertEqual([x["rule"] for x in r["rules"]], ["D", "A", "B", "C"])

    def test_groups_and_group_selection(self):
        r = self.eval_json()
        groups = {g["group"]: (g["spam"]["total"], g["spam"]["caught"], g["ham"]["total"],
                               g["ham"]["false_positives"]) for g in r["groups"]}
        # g1: s1 s2 s3 (s1, s3 caught), h1 h2 h3; g2: s4 (2) s5 (s5), h4 h5
        # (h4); g3: s5.
        self.assertEqual(groups, {"g1": (3, 2, 3, 0), "g2": (3, 1, 2, 1), "g3": (1, 1, 0, 0)})
        only = self.eval_json("--group", "g1")
        self.assertEqual((only["spam"]["total"], only["spam"]["caught"]), (3, 2))
        self.assertEqual((only["ham"]["total"], only["ham"]["false_positives"]), (3, 0))
        self.assertEqual({x["rule"] for x in only["rules"]}, {"A", "B", "C"})

    def test_one_thread_and_two_agree(self):
        self.assertEqual(self.eval_json("--jobs", "1"), self.eval_json("--jobs", "2"))

    def test_text_report_in_statistics_style(self):
        code, out, err = sift("eval", "--policy", self.policy, "--labels", self.labels, "--sweep", "5", self.mail)
        self.assertEqual(code, 0, err)
        self.assertIn("# Correctly non-spam:       4  80.00%", out)
        self.assertIn("# Correctly spam:           3  50.00%  (2 refused)", out)
        self.assertIn("# False positives:          1  20.00%  (0 refused)", out)
        self.assertIn("# False negatives:          3  50.00%", out)
        self.assertIn("# ham delivered to Promotions: 2", out)
        # all 11 messages, 6 spam, 5 ham; S/O of the whole: 6/11
        self.assertRegex(out, r"\n +11 +6 +5 +0\.545 .*\(all messages\)\n")
        # D: 1 hit of 11 (9.091%), 1 of 6 spam (16.6667%), none of 5 ham
        self.assertRegex(out, r"\n +9\.091 +16\.6667 +0\.0000 +1\.000 +1 +0 +1\.000 +7  D\n")

    def test_log_has_a_line_per_message(self):
        log = os.path.join(self.dir, "mass-check.log")
        self.eval_json("--log", log)
        with open(log) as f:
            lines = f.read().splitlines()
        self.assertEqual(len(lines), 11)  # 10 files, s4.mbox holds 2
        self.assertIn("Y     5.5 spam s1.eml tests=A,B", lines)
        self.assertIn(".     2.5 spam s4.mbox#1 tests=B", lines)
        self.assertIn(".     4.5 spam s4.mbox#2 tests=A,B,C", lines)
        self.assertIn("Y       0 spam s3.eml tests=", lines)
        self.assertIn("Y      10 spam sub/s5.eml tests=A,D", lines)
        self.assertIn("Y     5.5 ham  h4.eml tests=A,B", lines)
        self.assertIn(".       3 ham  h2.eml tests=A", lines)

    def test_clock_is_the_arrival_time(self):
        policy = os.path.join(self.dir, "clock")
        os.makedirs(policy)
        self.write(os.path.join(policy, "before.sieve"),
                   'require ["date", "relational", "comparator-i;ascii-numeric", "vnd.sift.score"];\n'
                   'if currentdate :value "lt" :comparator "i;ascii-numeric" "year" "2010" {\n'
                   '  score :rule "OLD" "1";\n}\n')
        self.write(os.path.join(self.mail, "old.eml"), message("x", "Thu, 22 Aug 2002 08:17:21 -0400 (EDT)"))
        self.write(self.labels, "old.eml\tspam\nh1.eml\tham\n")
        # received (the default): 2002 for old.eml, the system clock for
        # h1.eml, which has no Received field.
        r = self.eval_json(policy=policy)
        self.assertEqual([(x["rule"], x["spam_hits"], x["ham_hits"]) for x in r["rules"]], [("OLD", 1, 0)])
        self.assertEqual(self.eval_json("--clock", "system", policy=policy)["rules"], [])

    def test_default_policy(self):
        self.write(os.path.join(self.mail, "gtube.eml"),
                   message("hi").replace("Hello.",
                                         "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X"))
        self.write(self.labels, "gtube.eml\tspam\n")
        r = self.eval_json(policy="default")
        self.assertEqual(r["spam"]["caught"], 1)
        self.assertEqual(r["spam"]["refused"], 1)
        self.assertIn("GTUBE", [x["rule"] for x in r["rules"]])

    def test_config_gives_policy_threshold_store_and_settings(self):
        # A policy that files into Spam at the recipient's own threshold
        # (the vnd.sift.spam.threshold item the settings give), and a
        # configuration naming it, with spam.threshold 3 and its own store.
        policy = os.path.join(self.dir, "settings")
        os.makedirs(policy)
        self.write(os.path.join(policy, "before.sieve"),
                   'require ["vnd.sift.score", "fileinto", "environment", "variables", "relational"];\n'
                   'set "t" "5";\n'
                   'if environment :matches "vnd.sift.spam.threshold" "*" { set "t" "${1}"; }\n'
                   'if header :contains "subject" "aaa" { score :rule "A" "3"; }\n'
                   'if header :contains "subject" "bbb" { score :rule "B" "2.5"; }\n'
                   'if score :value "ge" "${t}" { fileinto "Spam"; stop; }\n')
        store = os.path.join(self.dir, "state.mdb")
        cfg = self.write(os.path.join(self.dir, "sift.toml"),
                         f'[policy]\ndir = "{policy}"\n[spam]\nthreshold = 3\n'
                         f'[store]\nkind = "lmdb"\npath = "{store}"\n')
        self.write(self.labels, "s1.eml\tspam\ns2.eml\tspam\ns4.mbox\tspam\nh5.eml\tham\n")
        def run(*extra):
            code, out, err = sift("eval", "--config", cfg, "--labels", self.labels, "--json",
                                  "--to", "y@example.net", *extra, self.mail)
            self.assertEqual(code, 0, err)
            return json.loads(out)
        # Threshold 3 (the configuration's): s1 5.5 and s2 3 caught, s4's
        # 2.5 and 4.5: the second; ham h5 2.5 not.
        r = run()
        self.assertEqual(r["threshold"], 3)
        self.assertEqual((r["spam"]["total"], r["spam"]["caught"]), (4, 3))
        self.assertEqual(r["ham"]["false_positives"], 0)
        # The user's own threshold, set in the configuration's store, wins
        # for that user: 2.5 catches s4#1 and h5 too.
        code, _, err = sift("settings", "set", "--config", cfg, "--user", "y@example.net", "spam.threshold", "2.5")
        self.assertEqual(code, 0, err)
        r = run()
        self.assertEqual((r["spam"]["caught"], r["ham"]["false_positives"]), (4, 1))
        # Another recipient keeps the configuration's.
        code, out, err = sift("eval", "--config", cfg, "--labels", self.labels, "--json",
                              "--to", "z@example.net", self.mail)
        self.assertEqual(code, 0, err)
        self.assertEqual(json.loads(out)["spam"]["caught"], 3)
        # --policy overrides the configuration's policy.dir.
        self.assertEqual(run("--policy", self.policy)["spam"]["caught"], 1)  # only s1 (5.5) at 5

    def test_config_message_limits_apply(self):
        # limits.max_mime_parts 3: a message of 6 parts has the defect the
        # default policy refuses (uninspectable = refuse).
        parts = "".join(f"--b\nContent-Type: text/plain\n\npart {i}\n" for i in range(6))
        self.write(os.path.join(self.mail, "parts.eml"),
                   "From: x@example.com\nTo: y@example.net\nSubject: hi\nMessage-ID: <p@example.com>\n"
                   "Date: Mon, 23 Nov 2026 09:00:00 +0000\nMIME-Version: 1.0\n"
                   f"Content-Type: multipart/mixed; boundary=b\n\n{parts}--b--\n")
        self.write(self.labels, "parts.eml\tham\n")
        cfg = self.write(os.path.join(self.dir, "limits.toml"),
                         '[limits]\nmax_mime_parts = 3\n[store]\nkind = "memory"\n')
        code, out, err = sift("eval", "--config", cfg, "--labels", self.labels, "--json", self.mail)
        self.assertEqual(code, 0, err)
        self.assertEqual(json.loads(out)["ham"]["refused"], 1)
        r = self.eval_json(policy="default")  # the built-in limit (5000 parts): not refused
        self.assertEqual(r["ham"]["refused"], 0)

    def test_policy_or_config_is_required(self):
        code, _, err = sift("eval", "--labels", self.labels, self.mail)
        self.assertEqual(code, 2)
        self.assertIn("--policy is required (or --config)", err)

    def test_bad_labels_are_named_with_their_line(self):
        self.write(self.labels, "h1.eml\tham\nh2.eml\tspma\n")
        code, _, err = sift("eval", "--policy", self.policy, "--labels", self.labels, self.mail)
        self.assertEqual(code, 2)
        self.assertIn(self.labels + ":2: error: the label is spam or ham, not 'spma'", err)
        self.write(self.labels, "h1.eml\n")
        code, _, err = sift("eval", "--policy", self.policy, "--labels", self.labels, self.mail)
        self.assertEqual(code, 2)
        self.assertIn(self.labels + ":1: error: expected FILE<TAB>spam|ham", err)

    def test_a_missing_file_is_an_error_before_anything_runs(self):
        self.write(self.labels, "h1.eml\tham\nnone.eml\tspam\n")
        code, out, err = sift("eval", "--policy", self.policy, "--labels", self.labels, self.mail)
        self.assertEqual(code, 2)
        self.assertEqual(out, "")
        self.assertIn(self.labels + ":2: " + os.path.join(self.mail, "none.eml") + ": no such file", err)


if __name__ == "__main__":
    SIFT = sys.argv.pop(1)
    unittest.main()
