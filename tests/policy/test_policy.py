#!/usr/bin/env python3
"""The bundled default policy end to end (docs/POLICY.md): `sift run
--policy default --json` on one message per rule, the expected verdict of
each worked out by hand from the rule's text. Standard library only.

Usage: test_policy.py SIFT_BINARY"""
import base64
import io
import json
import os
import subprocess
import sys
import tempfile
import unittest
import zipfile

SIFT = None
TRUST = ["--authserv-id", "mx.example.net"]
BEFORE, AFTER = "default/before.sieve", "default/after.sieve"


def message(*headers, body="Hello.\n"):
    base = ["From: Anna <anna@example.com>", "To: bob@example.net", "Subject: hi",
            "Message-ID: <1@example.com>", "Date: Mon, 23 Nov 2026 09:00:00 +0100"]
    names = {h.split(":")[0].lower() for h in headers}
    kept = [h for h in base if h.split(":")[0].lower() not in names]
    return "\r\n".join(kept + list(headers)) + "\r\n\r\n" + body.replace("\n", "\r\n")


def dmarc(result, comment, authserv="mx.example.net", domain="example.com"):
    return (f"Authentication-Results: {authserv}; spf=pass smtp.mailfrom={domain};\r\n"
            f"  dmarc={result} ({comment}) header.from={domain}")


def with_attachment(name, data, content_type="application/octet-stream", user_headers=()):
    b64 = base64.b64encode(data).decode()
    lines = "\n".join(b64[i:i + 76] for i in range(0, len(b64), 76))
    body = ("--sep\nContent-Type: text/plain\n\nSee the file.\n--sep\n"
            f"Content-Type: {content_type}; name=\"{name}\"\n"
            f"Content-Disposition: attachment; filename=\"{name}\"\n"
            "Content-Transfer-Encoding: base64\n\n" + lines + "\n--sep--\n")
    return message("MIME-Version: 1.0", "Content-Type: multipart/mixed; boundary=sep", *user_headers, body=body)


def zipped(members):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


class Policy(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        # The default state store (docs/CONFIG.md) of every command, here.
        self.state_dir = os.path.join(self.tmp.name, "default-state")
        os.environ["SIFT_STATE_DIR"] = self.state_dir

    def tearDown(self):
        self.tmp.cleanup()

    def run_policy(self, raw, *options, user=None, code=0):
        path = os.path.join(self.tmp.name, "m.eml")
        # surrogateescape: "\udce9" in `raw` is the octet 0xE9 (8-bit text, not UTF-8).
        with open(path, "w", newline="", errors="surrogateescape") as f:
            f.write(raw)
        args = [SIFT, "run", "--json", "--policy", "default", *options]
        if user is not None:
            script = os.path.join(self.tmp.name, "user.sieve")
            with open(script, "w") as f:
                f.write(user)
            args.append(script)
        p = subprocess.run(args + [path], capture_output=True, text=True)
        self.assertEqual(p.returncode, code, p.stderr)
        return json.loads(p.stdout)

    def delivered(self, r):
        return [(a["action"], a.get("mailbox"), a.get("script")) for a in r["actions"]]

    def test_plain_mail_is_kept_by_both_parts(self):
        r = self.run_policy(message())
        self.assertEqual(r["scripts"], [BEFORE, AFTER])
        self.assertEqual(self.delivered(r), [("keep", "INBOX", AFTER)])
        self.assertEqual(r["verdict"]["kind"], "deliver")

    def category_hits(self, r, category):
        return sorted((h["rule"], h["weight"]) for h in r["hits"] if h["category"] == category)

    MAILCHIMP = ["List-Unsubscribe: <https://x.us1.list-manage.com/unsubscribe?u=1>",
                 "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
                 "List-ID: News <1.list-id.mcsv.net>", "Feedback-ID: 1:2:us1:mc", "X-MC-User: b00c",
                 "X-campaignid: mailchimpb00c.a8d0", "X-Mailer: Mailchimp Mailer - **CIDa8d0**"]

    def test_newsletters_are_scored_into_promotions(self):
        # 2 + 1 + 0.5 + 1.5 + 2 + 1.5 + 1.5 + 1 (the link) = 11.
        r = self.run_policy(message(*self.MAILCHIMP, body="Our sale!\nUnsubscribe: https://x.example/u\n"))
        self.assertEqual(self.delivered(r), [("fileinto", "Promotions", AFTER)])
        self.assertEqual(self.category_hits(r, "promotions"), [
            ("PROMO_BULK_MAILER", 1.5), ("PROMO_CAMPAIGN_HEADER", 1.5), ("PROMO_ESP_HEADER", 2),
            ("PROMO_FEEDBACK_ID", 1.5), ("PROMO_LIST_ID", 0.5), ("PROMO_LIST_UNSUBSCRIBE", 2),
            ("PROMO_ONE_CLICK_UNSUBSCRIBE", 1), ("PROMO_UNSUBSCRIBE_LINK", 1)])
        self.assertEqual(r["scores"]["promotions"], 11)
        self.assertTrue(all(h["script"] == AFTER for h in r["hits"] if h["category"] == "promotions"))
        # The threshold is 3: List-Unsubscribe (2) and a link (1) reach it ...
        r = self.run_policy(message("List-Unsubscribe: <mailto:leave@news.example.com>",
                                    body="To unsubscribe, write back.\n"))
        self.assertEqual(self.delivered(r), [("fileinto", "Promotions", AFTER)])
        self.assertEqual(r["scores"]["promotions"], 3)
        # ... as do Precedence: bulk (2) and Feedback-ID (1.5).
        r = self.run_policy(message("Precedence: bulk", "Feedback-ID: 1:2:3:esp"))
        self.assertEqual(self.delivered(r), [("fileinto", "Promotions", AFTER)])
        self.assertEqual(r["scores"]["promotions"], 3.5)
        # One signal alone stays in the inbox: a receipt sent through
        # SendGrid, a plain List-Unsubscribe, a list's List-Id.
        for h, total in [("X-SG-EID: abc", 2), ("List-Unsubscribe: <mailto:u@shop.example>", 2),
                         ("List-Id: News <news.example.com>", 0.5), ("Feedback-ID: 1:2:3:esp", 1.5),
                         ("Precedence: bulk", 2), ("X-Mailgun-Sid: WyI", 2), ("X-Campaign-Id: 7", 1.5)]:
            r = self.run_policy(message(h))
            self.assertEqual(self.delivered(r), [("keep", "INBOX", AFTER)], h)
            self.assertEqual(r["scores"]["promotions"], total, h)

    def test_discussion_lists_are_not_promotions(self):
        # A list its readers post to: 0.5 + 2 + 1 - 3 = 0.5.
        footer = "The release is out.\n--\nTo unsubscribe, write to dev-leave@lists.example.org\n"
        headers = ["List-Id: Developers <dev.lists.example.org>", "List-Unsubscribe: <mailto:dev-leave@lists.example.org>",
                   "Precedence: list"]
        r = self.run_policy(message(*headers, "List-Post: <mailto:dev@lists.example.org>", body=footer))
        self.assertEqual(self.delivered(r), [("keep", "INBOX", AFTER)])
        self.assertIn(("PROMO_DISCUSSION_LIST", -3), self.category_hits(r, "promotions"))
        self.assertEqual(r["scores"]["promotions"], 0.5)
        # An announcement list says "List-Post: NO" (RFC 2369): 3.5.
        r = self.run_policy(message(*headers, "List-Post: NO (posting not allowed)", body=footer))
        self.assertEqual(self.delivered(r), [("fileinto", "Promotions", AFTER)])
        self.assertEqual(r["scores"]["promotions"], 3.5)

    def test_promotions_can_be_turned_off(self):
        raw = message(*self.MAILCHIMP)
        self.sift("settings", "set", "--user", "anna@domain.xyz", "filter.promotions", "off")
        r = self.run_policy(raw, "--to", "anna@domain.xyz")
        self.assertEqual(self.delivered(r), [("keep", "INBOX", AFTER)])
        self.assertEqual(self.category_hits(r, "promotions"), [])
        # Another user keeps it; turning social off does not touch it.
        r = self.run_policy(raw, "--to", "bob@domain.xyz")
        self.assertEqual(self.delivered(r), [("fileinto", "Promotions", AFTER)])
        self.sift("settings", "set", "--user", "carol@domain.xyz", "filter.social", "off")
        r = self.run_policy(raw, "--to", "carol@domain.xyz")
        self.assertEqual(self.delivered(r), [("fileinto", "Promotions", AFTER)])

    def test_allowed_authenticated_senders_skip_promotions(self):
        store = "lmdb:" + os.path.join(self.tmp.name, "state")
        p = subprocess.run([SIFT, "list", "add", "--store", store, "--user", "bob@example.net", "allow",
                            "@example.com"], capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        auth = "Authentication-Results: mx.example.net; dkim=pass header.d=example.com"
        r = self.run_policy(message(auth, *self.MAILCHIMP), "--store", store, "--to", "bob@example.net", *TRUST)
        self.assertEqual(self.delivered(r), [("keep", "INBOX", AFTER)])
        self.assertEqual(self.category_hits(r, "promotions"), [])
        # Not authenticated (an untrusted writer), or not on bob's list:
        # scored as anyone's newsletter.
        forged = "Authentication-Results: forger.example; dkim=pass header.d=example.com"
        r = self.run_policy(message(forged, *self.MAILCHIMP), "--store", store, "--to", "bob@example.net", *TRUST)
        self.assertEqual(self.delivered(r), [("fileinto", "Promotions", AFTER)])
        r = self.run_policy(message(auth, *self.MAILCHIMP), "--store", store, "--to", "carol@example.net", *TRUST)
        self.assertEqual(self.delivered(r), [("fileinto", "Promotions", AFTER)])

    def test_social_networks_before_promotions(self):
        # Social 3 (the domain) beats promotions 2 (List-Unsubscribe).
        r = self.run_policy(message("From: Facebook <notification@facebookmail.com>",
                                    "List-Unsubscribe: <mailto:u@facebookmail.com>"))
        self.assertEqual(self.delivered(r), [("fileinto", "Social", AFTER)])
        self.assertEqual(self.category_hits(r, "social"), [("SOCIAL_SENDER_DOMAIN", 3)])
        self.assertEqual(self.category_hits(r, "promotions"), [("PROMO_LIST_UNSUBSCRIBE", 2)])
        # A subdomain, with the network's own field: 3 + 2.
        r = self.run_policy(message("From: LinkedIn <messages-noreply@bounce.linkedin.com>",
                                    "X-LinkedIn-Class: INMAIL"))
        self.assertEqual(self.delivered(r), [("fileinto", "Social", AFTER)])
        self.assertEqual(r["scores"]["social"], 5)
        # The field alone (2) is not enough; nor is a look-alike domain.
        r = self.run_policy(message("X-Facebook-Notify: comment"))
        self.assertEqual(self.delivered(r), [("keep", "INBOX", AFTER)])
        self.assertEqual(self.category_hits(r, "social"), [("SOCIAL_NETWORK_HEADER", 2)])
        r = self.run_policy(message("From: a@notlinkedin.com"))  # not a subdomain
        self.assertEqual(self.delivered(r), [("keep", "INBOX", AFTER)])

    def test_social_can_be_turned_off(self):
        raw = message("From: Facebook <notification@facebookmail.com>",
                      "List-Unsubscribe: <mailto:u@facebookmail.com>", body="unsubscribe: see below\n")
        self.sift("settings", "set", "--user", "anna@domain.xyz", "filter.social", "off")
        r = self.run_policy(raw, "--to", "anna@domain.xyz")
        self.assertEqual(self.category_hits(r, "social"), [])
        # Then it is scored as a newsletter like any other: 2 + 1.
        self.assertEqual(self.delivered(r), [("fileinto", "Promotions", AFTER)])
        self.sift("settings", "set", "--user", "anna@domain.xyz", "filter.promotions", "off")
        r = self.run_policy(raw, "--to", "anna@domain.xyz")
        self.assertEqual(self.delivered(r), [("keep", "INBOX", AFTER)])
        self.assertEqual(r["hits"], [])

    def test_the_users_own_decision_ends_it(self):
        user = 'require "fileinto"; if header :contains "subject" "report" { fileinto "Work"; }'
        r = self.run_policy(message("Subject: weekly report", "List-Id: <reports.example.com>"), user=user)
        user_name = os.path.join(self.tmp.name, "user.sieve")  # a user script is named by its path
        self.assertEqual(r["scripts"], [BEFORE, user_name])
        self.assertEqual(self.delivered(r), [("fileinto", "Work", user_name)])

    def test_dmarc_reject_is_refused_when_trusted(self):
        raw = message(dmarc("fail", "p=reject sp=reject dis=none"))
        r = self.run_policy(raw, *TRUST, user="keep;")
        self.assertEqual(r["verdict"]["kind"], "refuse")
        self.assertEqual(r["scripts"], [BEFORE])  # the user cannot undo it
        self.assertEqual(r["actions"][0]["action"], "ereject")
        self.assertIn("DMARC", r["actions"][0]["reason"])
        # The same field from a writer the site does not trust means nothing.
        r = self.run_policy(message(dmarc("fail", "p=reject", authserv="forger.example")), *TRUST)
        self.assertEqual(self.delivered(r), [("keep", "INBOX", AFTER)])
        # Nor does any field when no writer is trusted at all.
        r = self.run_policy(raw)
        self.assertEqual(self.delivered(r), [("keep", "INBOX", AFTER)])

    def test_dmarc_quarantine_and_sampled_reject_go_to_spam(self):
        for comment in ["p=quarantine dis=none", "p=reject pct=50 dis=quarantine"]:
            r = self.run_policy(message(dmarc("fail", comment)), *TRUST)
            self.assertEqual(self.delivered(r), [("fileinto", "Spam", BEFORE)], comment)
        r = self.run_policy(message(dmarc("pass", "p=reject")), *TRUST)
        self.assertEqual(self.delivered(r), [("keep", "INBOX", AFTER)])

    def test_what_cannot_be_inspected_is_refused(self):
        depth = 40  # past message_limits::max_mime_depth (32)
        body = ""
        for i in range(depth):
            body += f"Content-Type: multipart/mixed; boundary=b{i}\n\n--b{i}\n"
        body += "Content-Type: application/octet-stream\n\nhidden\n"
        for i in reversed(range(depth)):
            body += f"--b{i}--\n"
        raw = message("MIME-Version: 1.0", "Content-Type: multipart/mixed; boundary=top",
                      body="--top\n" + body + "--top--\n")
        r = self.run_policy(raw, user='require "fileinto"; fileinto "Anything";')
        self.assertEqual(r["verdict"]["kind"], "refuse")
        self.assertEqual(r["actions"][0]["reason"], "message structure too complex to inspect")
        self.assertIn({"name": "mime_too_deep"}, [{"name": d["name"]} for d in r["defects"]])

    def test_forbidden_attachments_are_refused_naming_the_file(self):
        r = self.run_policy(with_attachment("invoice.pdf.exe", b"MZ\x90\x00"), user="keep;")
        self.assertEqual(r["verdict"]["kind"], "refuse")
        self.assertEqual(r["scripts"], [BEFORE])
        self.assertEqual(r["actions"][0]["reason"],
                         "Message rejected: forbidden attachment type (.exe in invoice.pdf.exe)")
        # Sent as 554 5.7.0 (issue 9), not ereject's usual 550 5.7.1.
        self.assertEqual((r["verdict"]["smtp_code"], r["verdict"]["enhanced_code"], r["verdict"]["text"]),
                         (554, "5.7.0", "Message rejected: forbidden attachment type (.exe in invoice.pdf.exe)"))
        r = self.run_policy(with_attachment("docs.zip", zipped({"readme.txt": b"hi", "bin/setup.exe": b"MZ"}),
                                            "application/zip"))
        self.assertEqual(r["actions"][0]["reason"], "Message rejected: forbidden attachment type (.exe in docs.zip)")
        self.assertEqual(r["verdict"]["smtp_code"], 554)
        inner = zipped({"run.SCR": b"MZ"})
        r = self.run_policy(with_attachment("outer.zip", zipped({"inner.zip": inner}), "application/zip"))
        self.assertEqual(r["actions"][0]["reason"], "Message rejected: forbidden attachment type (.scr in outer.zip)")
        # The text output names the codes beside the reason.
        path = os.path.join(self.tmp.name, "exe.eml")
        with open(path, "w", newline="") as f:
            f.write(with_attachment("docs.zip", zipped({"bin/setup.exe": b"MZ"}), "application/zip"))
        p = subprocess.run([SIFT, "run", "--policy", "default", path], capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn('ereject :replycode "554 5.7.0" "Message rejected: forbidden attachment type '
                      '(.exe in docs.zip)"', p.stdout)

    def test_other_refusals_are_550_5_7_1(self):
        gtube = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X"
        for raw, options in [(message(body=gtube + "\n"), ()),
                             (message(dmarc("fail", "p=reject")), TRUST),
                             (with_attachment("docs.zip", b"PK\x03\x04 no zip", "application/zip"), ())]:
            r = self.run_policy(raw, *options)
            self.assertEqual(r["verdict"]["kind"], "refuse")
            self.assertEqual((r["verdict"]["smtp_code"], r["verdict"]["enhanced_code"]), (550, "5.7.1"))
            self.assertNotIn("smtp_code", r["actions"][0])

    def test_documents_and_harmless_files_pass(self):
        docx = zipped({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>",
                       "word/vbaProject.bin.js": b"x"})  # inner names of a document are not files
        r = self.run_policy(with_attachment("report.docx", docx,
                                            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"))
        self.assertEqual(self.delivered(r), [("keep", "INBOX", AFTER)])
        r = self.run_policy(with_attachment("photo.jpg", b"\xff\xd8\xff\xe0", "image/jpeg"))
        self.assertEqual(self.delivered(r), [("keep", "INBOX", AFTER)])

    def test_an_attachment_that_cannot_be_inspected_is_refused(self):
        r = self.run_policy(with_attachment("docs.zip", b"PK\x03\x04 this is no zip at all", "application/zip"))
        self.assertEqual(r["verdict"]["kind"], "refuse")
        self.assertEqual(r["actions"][0]["reason"], "attachment could not be inspected")

    def test_block_lists_refuse_the_sender(self):
        store = "lmdb:" + os.path.join(self.tmp.name, "state")
        for args in (["block", "@spam.example"], ["--user", "bob@example.net", "block", "anna@example.com"]):
            p = subprocess.run([SIFT, "list", "add", "--store", store, *args], capture_output=True, text=True)
            self.assertEqual(p.returncode, 0, p.stderr)
        for sender, to, blocked in [("x@spam.example", "carol@example.net", True),     # global, the domain
                                    ("x@mail.spam.example", "carol@example.net", False),  # @ is not @.
                                    ("Anna@Example.com", "bob+news@example.net", True),   # bob's own, +detail
                                    ("anna@example.com", "carol@example.net", False)]:   # not carol's
            r = self.run_policy(message(f"From: {sender}"), "--store", store, "--to", to, user="keep;")
            if blocked:
                self.assertEqual(r["verdict"]["kind"], "refuse", sender)
                self.assertEqual(r["scripts"], [BEFORE])
                self.assertIn("block list", r["actions"][0]["reason"])
            else:
                self.assertEqual(r["verdict"]["kind"], "deliver", sender)
        # The envelope sender counts too.
        r = self.run_policy(message(), "--store", store, "--from", "bounce@spam.example")
        self.assertEqual(r["verdict"]["kind"], "refuse")
        # Without any store the lists are empty, not an error.
        r = self.run_policy(message("From: x@spam.example"))
        self.assertEqual(r["verdict"]["kind"], "deliver")

    def hits(self, r):
        return sorted(h["rule"] for h in r["hits"])

    def test_spam_rules_add_up_to_spam_or_refusal(self):
        gtube = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X"
        r = self.run_policy(message(body=f"Test.\n{gtube}\n"), user="keep;")
        self.assertEqual(r["verdict"]["kind"], "refuse")
        self.assertEqual(r["actions"][0]["reason"], "message refused as spam")
        self.assertEqual(self.hits(r), ["GTUBE"])
        self.assertEqual(r["scores"]["spam"], 1000)
        # 1 + 1 + 3 + 1.5 + 2 = 8.5: at least 5, below 15.
        raw = message("Subject: FREE MONEY NOW!!!", body="Click http//win.example now\n")
        raw = "\r\n".join(l for l in raw.split("\r\n") if not l.startswith(("Message-ID:", "Date:")))
        r = self.run_policy(raw)
        self.assertEqual(self.hits(r), ["MALFORMED_LINK", "MISSING_DATE", "MISSING_MESSAGE_ID",
                                        "SUBJECT_ALL_CAPS", "SUBJECT_EXCLAIMS"])
        self.assertEqual(r["scores"]["spam"], 8.5)
        self.assertEqual(self.delivered(r), [("fileinto", "Spam", BEFORE)])
        # One rule alone stays in the inbox, with its hit reported.
        r = self.run_policy(message("From: \"support@bank.example\" <x@other.example>"))
        self.assertEqual(self.hits(r), ["FROM_NAME_HAS_ADDRESS"])
        self.assertEqual(self.delivered(r), [("keep", "INBOX", AFTER)])
        r = self.run_policy(message(body="see http://192.0.2.7/login\n"))
        self.assertEqual(self.hits(r), ["IP_LITERAL_LINK"])

    def spam_of(self, raw, *options):
        r = self.run_policy(raw, *options)
        return self.hits(r), r["scores"].get("spam", 0), self.delivered(r)

    def test_upstream_spam_headers_count(self):
        # Another filter's verdict: 3 (docs/POLICY.md), read before anything removes the field.
        for field in ("X-Spam-Flag: YES", "X-Spam-Status: Yes, score=9.1 required=5.0", "X-Spam-Level: ******"):
            self.assertEqual(self.spam_of(message(field))[:2], (["UPSTREAM_SPAM"], 3), field)
        self.assertEqual(self.spam_of(message("X-Spam-Status: No, score=0.1"))[:2], ([], 0))

    def test_message_id_and_date_as_written(self):
        self.assertEqual(self.spam_of(message("Message-ID: 1234@example.com"))[:2], (["MESSAGE_ID_MALFORMED"], 2))
        # Outlook's form with random digits where Outlook writes the time (01c2...): forged.
        forged = "Message-ID: <022a62b35b8c$3832b4a3$8be02ba2@dpduxx>"
        self.assertEqual(self.spam_of(message(forged))[:2], (["MESSAGE_ID_FORGED_OUTLOOK"], 3.5))
        genuine = "Message-ID: <000801c24a1b$5cf8d8e0$6401a8c0@pc>"
        self.assertEqual(self.spam_of(message(genuine))[:2], ([], 0))
        self.assertEqual(self.spam_of(message("Date: the day before yesterday"))[:2], (["DATE_MALFORMED"], 3))
        self.assertEqual(self.spam_of(message("Date: Wed, 21 Aug 2026 20:31:57 -1600"))[:2],
                         (["DATE_ZONE_INVALID"], 3))
        # The run's clock is now (sift run): a Date in 2100 is far ahead of
        # it, one 5 hours ahead a little; an hour ahead and years behind
        # are not scored.
        self.assertEqual(self.spam_of(message("Date: Fri, 01 Jan 2100 09:00:00 +0000"))[:2],
                         (["DATE_IN_FUTURE_12_XX"], 2.5))
        import email.utils
        import time
        for hours, expected in [(5, (["DATE_IN_FUTURE_03_12"], 2)), (1, ([], 0)), (-24 * 800, ([], 0))]:
            date = email.utils.formatdate(time.time() + hours * 3600, usegmt=True)
            self.assertEqual(self.spam_of(message("Date: " + date))[:2], expected, date)

    def html(self, body, *headers):
        return message("MIME-Version: 1.0", "Content-Type: text/html; charset=us-ascii", *headers, body=body)

    def test_html_only_and_link_text_that_shows_another_host(self):
        same = '<p><a href="http://www.bank.example/login">www.bank.example</a></p>\n'
        self.assertEqual(self.spam_of(self.html(same)), (["HTML_ONLY"], 3.5, [("keep", "INBOX", AFTER)]))
        other = '<p><a href="http://evil.example/login"><b>http://www.bank.example/</b></a></p>\n'
        # 3.5 + 2.5 = 6: to Spam.
        self.assertEqual(self.spam_of(self.html(other)),
                         (["HTML_ONLY", "LINK_TEXT_MISMATCH"], 6, [("fileinto", "Spam", BEFORE)]))
        # With a text/plain alternative it is not HTML-only.
        both = ("--b\nContent-Type: text/plain\n\nSee www.bank.example\n--b\nContent-Type: text/html\n\n"
                + same + "--b--\n")
        raw = message("MIME-Version: 1.0", "Content-Type: multipart/alternative; boundary=b", body=both)
        self.assertEqual(self.spam_of(raw)[:2], ([], 0))

    def test_links_as_the_reader_sees_them(self):
        # vnd.sift.link reads the text a reader is shown: a host broken by
        # tags still shows www.mybank.example, which evil.example is not.
        split = '<p><a href="http://evil.example/login">www.my<b>bank</b>.example</a></p>\n'
        self.assertEqual(self.spam_of(self.html(split))[:2], (["HTML_ONLY", "LINK_TEXT_MISMATCH"], 6))
        # Shown as www.paypal.com, it poses as that brand too.
        split = '<p><a href="http://evil.example/login">www.pay<b>pal</b>.com</a></p>\n'
        self.assertEqual(self.spam_of(self.html(split))[:2],
                         (["HTML_ONLY", "LINK_BRAND_MISMATCH", "LINK_TEXT_MISMATCH"], 8))
        # A brand's name shown, another domain opened; the brand's own
        # domain (or a subdomain of it) is no mismatch.
        brand = '<p>Sign in to <a href="http://secure-login.example/">PayPal</a></p>\n'
        self.assertEqual(self.spam_of(self.html(brand))[:2], (["HTML_ONLY", "LINK_BRAND_MISMATCH"], 5.5))
        own = '<p>Sign in to <a href="https://history.paypal.com/">PayPal</a></p>\n'
        self.assertEqual(self.spam_of(self.html(own))[:2], (["HTML_ONLY"], 3.5))
        cases = [
            ("Log in: http://www.bank.example@evil.example/login", ["LINK_USERNAME_USED"], 2.5),
            ("See http://shop.%65xample.com/deal", ["LINK_ESCAPED_HOST"], 2),
            ("See http://shop.example.com:8080/deal", ["LINK_WEIRD_PORT"], 2),
            ("See https://shop.example.com:443/deal", [], 0),
            # An IPv4 address as one number, as browsers read it.
            ("See http://3232235777/deal", ["IP_LITERAL_LINK"], 3),
            ("Go to http:/shop.example.com/ now", ["MALFORMED_LINK"], 2),
            ("Go to http://shop.example.com/ now", [], 0),
        ]
        for body, hits, total in cases:
            self.assertEqual(self.spam_of(message(body=body + "\n"))[:2], (hits, total), body)

    def test_charset_labels_of_encoded_words(self):
        # The label of an encoded word, which header tests see decoded
        # (vnd.sift.charset): a ks_c_5601-1987 subject, a windows-1251 name.
        # Outlook's ks_c_5601-1987 decodes as CP949 (docs/MESSAGE.md
        # "Charsets"), so the Hangul is seen too.
        self.assertEqual(self.spam_of(message("Subject: =?ks_c_5601-1987?B?wMy6pcau?="))[:2],
                         (["CHARSET_FARAWAY_HEADER", "SUBJECT_FARAWAY_SCRIPT"], 6))
        name = "From: =?windows-1251?B?yOLg7SDP5fLw7uI=?= <ivan@example.com>"
        self.assertEqual(self.spam_of(message(name))[:2], (["CHARSET_FARAWAY_HEADER"], 3))
        # The same name in utf-8 is not scored.
        utf8 = "From: =?utf-8?B?0JjQstCw0L0g0J/QtdGC0YDQvtCy?= <ivan@example.com>"
        self.assertEqual(self.spam_of(message(utf8))[:2], ([], 0))

    def test_mail_from_the_recipients_own_address_needs_authentication(self):
        own = message("From: Bob <bob@example.net>")
        self.assertEqual(self.spam_of(own, "--to", "bob+lists@example.net")[:2],
                         (["FROM_RECIPIENT_UNAUTHENTICATED"], 2.5))
        self.assertEqual(self.spam_of(own, "--to", "carol@example.net")[:2], ([], 0))
        signed = message("From: Bob <bob@example.net>", dmarc("pass", "p=none", domain="example.net"))
        self.assertEqual(self.spam_of(signed, "--to", "bob@example.net", *TRUST)[:2], ([], 0))
        # An untrusted writer's pass does not count.
        forged = message("From: Bob <bob@example.net>", dmarc("pass", "p=none", "mx.evil.example", "example.net"))
        self.assertEqual(self.spam_of(forged, "--to", "bob@example.net", *TRUST)[:2],
                         (["FROM_RECIPIENT_UNAUTHENTICATED"], 2.5))

    def test_phishing_wording_and_charset_tricks(self):
        raw = message(body="Please verify your account within 24 hours.\n")
        self.assertEqual(self.spam_of(raw)[:2], (["PHISHING_WORDING"], 2.5))
        # "Pаypal" with a Cyrillic a (U+0430), RFC 2047 encoded.
        self.assertEqual(self.spam_of(message("Subject: =?utf-8?B?UNCweXBhbCBub3RpY2U=?="))[:2],
                         (["SUBJECT_MIXED_SCRIPT"], 2))
        # Hangul: "annyeonghaseyo".
        self.assertEqual(self.spam_of(message("Subject: =?utf-8?B?7JWI64WV7ZWY7IS47JqU?="))[:2],
                         (["SUBJECT_FARAWAY_SCRIPT"], 3))
        raw = message("MIME-Version: 1.0", "Content-Type: text/plain; charset=ks_c_5601-1987", body="Hi.\n")
        self.assertEqual(self.spam_of(raw)[:2], (["CHARSET_FARAWAY"], 2))

    def test_patterns_behind_a_cheaper_test(self):
        # Each pattern is tried only when a phrase every match holds is in
        # the text, or (the subject's scripts) an octet outside ASCII is in
        # the subject (docs/POLICY.md): the rules hit as the pattern alone.
        cases = [
            ("Transfer of US$ 25 million to you.", ["ADVANCE_FEE"], 3),
            ("Transfer of USD 10.5 MILLION to you.", ["ADVANCE_FEE"], 3),
            ("Transfer of us$25million.", ["ADVANCE_FEE"], 3),
            ("Transfer of US$ 25 to you, a million thanks.", [], 0),
            ("Lose 20 pounds in a month.", ["PHARMACY"], 3),
            ("LOSE 15 LBS now.", ["PHARMACY"], 3),
            ("Lose weight", ["PHARMACY"], 3),
            ("Do not lose the 20 lbs.", [], 0),
            ("Call 1-800-555-1234 today.", ["TOLL_FREE_NUMBER"], 3),
            ("Call 18885551234 today.", ["TOLL_FREE_NUMBER"], 3),
            ("Call 1-877555-1234 today.", ["TOLL_FREE_NUMBER"], 3),
            ("Call 1-900-555-1234 in 2018.", [], 0),
        ]
        for body, hits, total in cases:
            self.assertEqual(self.spam_of(message(body=body + "\n"))[:2], (hits, total), body)
        subjects = [
            # Greek: "ebay" with an alpha (U+03B1), and a capital Pi beside
            # a Latin letter.
            ("Subject: =?utf-8?B?ZWLOsXkgbm90aWNl?=", ["SUBJECT_MIXED_SCRIPT"], 2),
            ("Subject: =?utf-8?B?zqBheSBub3c=?=", ["SUBJECT_MIXED_SCRIPT"], 2),
            # Latin-1 letters are outside ASCII but neither rule's.
            ("Subject: =?iso-8859-1?Q?caf=E9_cr=E8me?=", [], 0),
            # 8-bit octets that are no UTF-8 (0xE9 alone).
            ("Subject: caf\udce9 cr\udce8me", [], 0),
            ("Subject: \udce9\udce9 and some words", [], 0),
            # CJK after 8-bit octets that are no UTF-8.
            ("Subject: caf\udce9 =?utf-8?B?5pel5pys?=", ["SUBJECT_FARAWAY_SCRIPT"], 3),
        ]
        for subject, hits, total in subjects:
            self.assertEqual(self.spam_of(message(subject))[:2], (hits, total), subject)
        # IP_LITERAL_LINK's pattern, on a raw body that holds "://": here in
        # an attachment, which the link test does not read.
        attachments = [
            ("see http://10.1.2.3/x", ["IP_LITERAL_LINK"], 3),
            ("see HTTPS://[10.1.2.3]/x", ["IP_LITERAL_LINK"], 3),
            ("see http:/10.1.2.3/x", [], 0),
            ("see http://10.1.2/x", [], 0),
            ("see ftp://10.1.2.3/x", [], 0),
        ]
        for data, hits, total in attachments:
            body = ("--B\nContent-Type: text/plain\n\nHello.\n"
                    "--B\nContent-Type: application/octet-stream\n\n" + data + "\n--B--\n")
            raw = message("MIME-Version: 1.0", 'Content-Type: multipart/mixed; boundary="B"', body=body)
            self.assertEqual(self.spam_of(raw)[:2], (hits, total), data)

    def test_bulk_tool_marks(self):
        cases = [
            # The encoded word's label is a faraway charset's too (vnd.sift.charset).
            (message("From: =?iso-2022-jp?B?am9rb0Bycy5leGFtcGxl?=@example.org"),
             ["CHARSET_FARAWAY_HEADER", "FROM_ADDRESS_ENCODED"], 5.5),
            (message("From: =?utf-8?B?am9rb0Bycy5leGFtcGxl?=@example.org"), ["FROM_ADDRESS_ENCODED"], 2.5),
            # 2 + 1.5 = 3.5: below 5.
            (message("From: kelli658@hotmail.com"), ["FREEMAIL_FROM", "FROM_LOCALPART_DIGITS"], 3.5),
            (message("Subject: This one will make you rich  9/20/02 11:34:52 PM"), ["SUBJECT_HAS_TIME"], 2.5),
            (message("Subject: Guaranteed results                     11.150"), ["SUBJECT_TRAILING_NUMBER"], 3),
            (message("MIME-Version: 1.0", "Content-Type: text/plain; charset=us-ascii",
                     "Content-Transfer-Encoding: base64", body="SGVsbG8sIHdvcmxkLgo=\n"), ["TEXT_IN_BASE64"], 3),
            (message(body='Hi.\n<a href="http://example.org/">more</a>\n'), ["HTML_IN_PLAIN_TEXT"], 1.5),
            (message("X-Priority: 1"), ["PRIORITY_HIGHEST"], 3),
            (message("To: undisclosed-recipients:;"), ["TO_UNDISCLOSED"], 3),
            (message(body="HELLO THERE FRIEND\nTHE BEST DEAL\nWRITE BACK TODAY\nthanks\n"), ["BODY_SHOUTING"], 2.5),
            # Two lines only: not three in a row.
            (message(body="HELLO THERE FRIEND\nTHE BEST deal\nWRITE US TODAY\n"), [], 0),
            # Three in a row after a line of ordinary text, and at the text's end.
            (message(body="Hi there.\nHELLO THERE FRIEND\nTHE BEST DEAL\nWRITE BACK TODAY"), ["BODY_SHOUTING"], 2.5),
            # A lower-case letter at the end of the middle line breaks the run.
            (message(body="Hi.\nHELLO THERE FRIEND\nTHE BEST DEAL x\nWRITE BACK TODAY\nSEE YOU SOON\n"), [], 0),
        ]
        for raw, hits, total in cases:
            self.assertEqual(self.spam_of(raw)[:2], (hits, total), raw.split("\r\n\r\n")[0][-80:])

    def test_message_defects_count(self):
        # A multipart without its close delimiter.
        raw = message("MIME-Version: 1.0", "Content-Type: multipart/mixed; boundary=b",
                      body="--b\nContent-Type: text/plain\n\nHello.\n")
        self.assertEqual(self.spam_of(raw)[:2], (["MESSAGE_DEFECTS"], 3))

    def test_wording_rules_add_up(self):
        # CLICK_HERE 3.5 + REMOVE_INSTRUCTIONS 3 + FREE_OFFER 3.5 = 10: Spam, not refused.
        body = "100% FREE for you. Click here to order.\nTo be removed, reply.\n"
        hits, total, delivered = self.spam_of(message(body=body))
        self.assertEqual((hits, total), (["CLICK_HERE", "FREE_OFFER", "REMOVE_INSTRUCTIONS"], 10))
        self.assertEqual(delivered, [("fileinto", "Spam", BEFORE)])
        # ... with URGENCY 3 and DEAR_FRIEND 2.5: 15.5, refused.
        hits, total, _ = self.spam_of(message(body="Dear friend,\nAct now! " + body))
        self.assertEqual(total, 15.5)
        self.assertEqual(self.run_policy(message(body="Dear friend,\nAct now! " + body))["verdict"]["kind"],
                         "refuse")

    def edits(self, r):
        """The header edits as (edit, name, value without the leading space)."""
        return [(e["edit"], e["name"], e["value"][1:]) for e in r["header_edits"]]

    def test_score_headers_on_delivered_mail(self):
        # Nothing hit: SpamAssassin's "tests=none", the default threshold 5.
        r = self.run_policy(message())
        self.assertEqual(self.edits(r), [("addheader", "X-Spam-Score", "0"),
                                         ("addheader", "X-Spam-Status", "No, score=0 required=5 tests=none")])
        self.assertTrue(all(e["last"] is False for e in r["header_edits"]))  # prepended, as trace fields
        # One rule, below the threshold: kept, the rule named.
        r = self.run_policy(message("From: \"support@bank.example\" <x@other.example>"))
        self.assertEqual(self.edits(r), [("addheader", "X-Spam-Score", "1"),
                                         ("addheader", "X-Spam-Status",
                                          "No, score=1 required=5 tests=FROM_NAME_HAS_ADDRESS")])
        self.assertEqual(self.delivered(r), [("keep", "INBOX", AFTER)])
        # 8.5 (as in test_spam_rules_add_up_to_spam_or_refusal): Spam, the
        # rules sorted by name, X-Spam-Flag as SpamAssassin adds it to spam.
        raw = message("Subject: FREE MONEY NOW!!!", body="Click http//win.example now\n")
        raw = "\r\n".join(l for l in raw.split("\r\n") if not l.startswith(("Message-ID:", "Date:")))
        r = self.run_policy(raw)
        self.assertEqual(self.delivered(r), [("fileinto", "Spam", BEFORE)])
        self.assertEqual(self.edits(r), [
            ("addheader", "X-Spam-Score", "8.5"),
            ("addheader", "X-Spam-Status", "Yes, score=8.5 required=5 tests=MALFORMED_LINK,MISSING_DATE,"
                                           "MISSING_MESSAGE_ID,SUBJECT_ALL_CAPS,SUBJECT_EXCLAIMS"),
            ("addheader", "X-Spam-Flag", "YES")])
        # The text output shows them too.
        path = os.path.join(self.tmp.name, "plain.eml")
        with open(path, "w", newline="") as f:
            f.write(message())
        p = subprocess.run([SIFT, "run", "--policy", "default", path], capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn('addheader "X-Spam-Status: No, score=0 required=5 tests=none"\n', p.stdout)
        self.assertIn('addheader "X-Spam-Score: 0"\n', p.stdout)

    def test_forged_score_headers_are_removed_first(self):
        raw = message("X-Spam-Status: No, score=-100 required=5 tests=USER_IN_WELCOMELIST",
                      "X-Spam-Score: -100", "X-Spam-Flag: NO", "X-Spam-Level: ",
                      "X-Spam-Status: No, second one")
        user = ('require ["fileinto"];\n'
                'if header :contains "X-Spam-Status" "-100" { fileinto "Forged"; }\n'
                'if header :is "X-Spam-Status" "No, score=0 required=5 tests=none" { fileinto "Ours"; }\n'
                'if exists "X-Spam-Flag" { fileinto "Flagged"; }\n')
        r = self.run_policy(raw, user=user)
        self.assertEqual(self.edits(r), [
            ("deleteheader", "X-Spam-Score", "-100"),
            # editheader lists a name's fields from the last (occurrence 2, then 1).
            ("deleteheader", "X-Spam-Status", "No, second one"),
            ("deleteheader", "X-Spam-Status", "No, score=-100 required=5 tests=USER_IN_WELCOMELIST"),
            ("deleteheader", "X-Spam-Flag", "NO"),
            ("deleteheader", "X-Spam-Level", ""),
            ("addheader", "X-Spam-Score", "0"),
            ("addheader", "X-Spam-Status", "No, score=0 required=5 tests=none")])
        self.assertEqual([e.get("occurrence") for e in r["header_edits"][1:3]], [2, 1])
        # The user's script sees the policy's fields, not the forged ones.
        self.assertEqual([a for a in self.delivered(r) if a[0] == "fileinto"],
                         [("fileinto", "Ours", os.path.join(self.tmp.name, "user.sieve"))])

    def test_score_headers_where_the_decision_is_made(self):
        # A refusal delivers nothing: no header fields.
        gtube = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X"
        r = self.run_policy(message("X-Spam-Flag: NO", body=gtube + "\n"))
        self.assertEqual(r["verdict"]["kind"], "refuse")
        self.assertEqual(r["header_edits"], [])
        r = self.run_policy(with_attachment("setup.exe", b"MZ"))
        self.assertEqual(r["header_edits"], [])
        # DMARC quarantine goes to Spam with the fields: DMARC_FAIL (2)
        # alone is below 5, but the domain asked for quarantine.
        r = self.run_policy(message(dmarc("fail", "p=quarantine")), *TRUST)
        self.assertEqual(self.delivered(r), [("fileinto", "Spam", BEFORE)])
        self.assertEqual(self.edits(r), [("addheader", "X-Spam-Score", "2"),
                                         ("addheader", "X-Spam-Status", "Yes, score=2 required=5 tests=DMARC_FAIL"),
                                         ("addheader", "X-Spam-Flag", "YES")])
        # The user's own folder (which ends the sequence before after.sieve)
        # and after.sieve's folders carry them, added by before.sieve.
        r = self.run_policy(message(), user='require "fileinto"; fileinto "Work";')
        self.assertEqual([e[1] for e in self.edits(r)], ["X-Spam-Score", "X-Spam-Status"])
        self.assertEqual({e["script"] for e in r["actions"]}, {os.path.join(self.tmp.name, "user.sieve")})

    def test_the_score_fields_follow_the_users_settings(self):
        raw = message("From: \"support@bank.example\" <x@other.example>")  # 1 point
        self.sift("settings", "set", "--user", "anna@domain.xyz", "spam.threshold", "0.5")
        r = self.run_policy(raw, "--to", "anna@domain.xyz")
        self.assertEqual(self.delivered(r), [("fileinto", "Spam", BEFORE)])
        self.assertIn(("addheader", "X-Spam-Status", "Yes, score=1 required=0.5 tests=FROM_NAME_HAS_ADDRESS"),
                      self.edits(r))
        self.sift("settings", "set", "--user", "anna@domain.xyz", "spam.threshold", "1.125")
        r = self.run_policy(raw, "--to", "anna@domain.xyz")
        self.assertEqual(self.delivered(r), [("keep", "INBOX", AFTER)])
        self.assertIn(("addheader", "X-Spam-Status", "No, score=1 required=1.125 tests=FROM_NAME_HAS_ADDRESS"),
                      self.edits(r))
        # Bob has the site's 5.
        r = self.run_policy(raw, "--to", "bob@domain.xyz")
        self.assertIn(("addheader", "X-Spam-Status", "No, score=1 required=5 tests=FROM_NAME_HAS_ADDRESS"),
                      self.edits(r))
        # With the spam filter off the rules do not run: score 0, no tests.
        self.sift("settings", "set", "--user", "anna@domain.xyz", "filter.spam", "off")
        r = self.run_policy(raw, "--to", "anna@domain.xyz")
        self.assertEqual(self.edits(r), [("addheader", "X-Spam-Score", "0"),
                                         ("addheader", "X-Spam-Status", "No, score=0 required=1.125 tests=none")])

    def test_the_score_header_fits_editheaders_limit(self):
        # Every spam rule of before.sieve hitting at once, each name once:
        # the X-Spam-Status value must stay below editheader's 2048 octets
        # (eval_limits::editheader_max_header_size), or adding it would be
        # a runtime error.
        import re
        here = os.path.dirname(os.path.abspath(__file__))
        with open(os.path.join(here, "..", "..", "policy", "default", "before.sieve")) as f:
            names = sorted(set(re.findall(r':rule "([^"]+)"', f.read())))
        self.assertGreater(len(names), 5)
        value = "Yes, score=-1000000.125 required=1000000.125 tests=" + ",".join(names)
        self.assertLess(len(value), 2048)

    def test_allow_list_bypass_needs_authentication(self):
        store = "lmdb:" + os.path.join(self.tmp.name, "state")
        p = subprocess.run([SIFT, "list", "add", "--store", store, "--user", "bob@example.net", "allow",
                            "@example.com"], capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        gtube = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X"
        authenticated = message("Authentication-Results: mx.example.net; dkim=pass header.d=example.com",
                                body=gtube + "\n")
        r = self.run_policy(authenticated, "--store", store, "--to", "bob@example.net", *TRUST)
        self.assertEqual(r["hits"], [])
        self.assertEqual(r["verdict"]["kind"], "deliver")
        # The same allowed address, not authenticated (or by an untrusted
        # writer): no bypass.
        forged = message("Authentication-Results: forger.example; dkim=pass header.d=example.com", body=gtube + "\n")
        r = self.run_policy(forged, "--store", store, "--to", "bob@example.net", *TRUST)
        self.assertEqual(r["verdict"]["kind"], "refuse")
        # DKIM passing for an unaligned domain does not count either.
        unaligned = message("Authentication-Results: mx.example.net; dkim=pass header.d=other.example",
                            body=gtube + "\n")
        r = self.run_policy(unaligned, "--store", store, "--to", "bob@example.net", *TRUST)
        self.assertEqual(r["verdict"]["kind"], "refuse")

    def test_usage_errors(self):
        p = subprocess.run([SIFT, "run", "--policy", os.path.join(self.tmp.name, "none"), "m.eml"],
                           capture_output=True, text=True)
        self.assertEqual(p.returncode, 2)
        self.assertIn("not a directory", p.stderr)
        p = subprocess.run([SIFT, "run", "m.eml"], capture_output=True, text=True)
        self.assertEqual(p.returncode, 2)
        self.assertIn("SCRIPT and MESSAGE are required", p.stderr)
        # A policy script that does not compile: its file:line:column, exit 1.
        bad = os.path.join(self.tmp.name, "bad")
        os.mkdir(bad)
        with open(os.path.join(bad, "before.sieve"), "w") as f:
            f.write("if true {\n")
        with open(os.path.join(self.tmp.name, "m.eml"), "w") as f:
            f.write(message())
        p = subprocess.run([SIFT, "run", "--policy", bad, os.path.join(self.tmp.name, "m.eml")],
                           capture_output=True, text=True)
        self.assertEqual(p.returncode, 1)
        self.assertIn("bad/before.sieve:2:1: error", p.stderr)


    # Settings (docs/CONFIG.md, docs/POLICY.md "Settings").

    def sift(self, *args, code=0, stdin=None):
        p = subprocess.run([SIFT, *args], capture_output=True, text=True, input=stdin)
        self.assertEqual(p.returncode, code, p.stdout + p.stderr)
        return p

    def write(self, name, text):
        path = os.path.join(self.tmp.name, name)
        with open(path, "w", newline="") as f:
            f.write(text)
        return path

    def test_the_default_store_needs_no_configuration(self):
        # The words: sift list add, then sift run, nothing else.
        self.assertFalse(os.path.exists(self.state_dir))
        msg = self.write("msg.eml", message("From: x@spam.example"))
        run = ["run", "--json", "--policy", "default", "--from", "x@spam.example", "--to", "anna@domain.xyz", msg]
        self.assertEqual(json.loads(self.sift(*run).stdout)["verdict"]["kind"], "deliver")
        self.assertFalse(os.path.exists(self.state_dir))  # reading made nothing
        self.sift("list", "add", "--user", "anna@domain.xyz", "block", "@spam.example")
        self.assertTrue(os.path.exists(os.path.join(self.state_dir, "state.mdb")))
        r = json.loads(self.sift(*run).stdout)
        self.assertEqual(r["verdict"]["kind"], "refuse")
        self.assertEqual((r["verdict"]["smtp_code"], r["verdict"]["enhanced_code"]), (550, "5.7.1"))
        self.assertIn("block list", r["actions"][0]["reason"])
        # Another user is not blocked; the list is anna's.
        r = json.loads(self.sift("run", "--json", "--policy", "default", "--to", "bob@domain.xyz", msg).stdout)
        self.assertEqual(r["verdict"]["kind"], "deliver")

    def test_blocked_mail_to_spam_per_user_setting(self):
        self.sift("list", "add", "--user", "anna@domain.xyz", "block", "@spam.example")
        raw = message("From: x@spam.example")
        r = self.run_policy(raw, "--to", "anna@domain.xyz")
        self.assertEqual(r["verdict"]["kind"], "refuse")
        p = self.sift("settings", "set", "--user", "Anna+lists@Domain.xyz", "blocked", "spam")
        self.assertEqual(p.stdout, "blocked = spam for anna@domain.xyz\n")
        r = self.run_policy(raw, "--to", "anna@domain.xyz")
        self.assertEqual(self.delivered(r), [("fileinto", "Spam", BEFORE)])
        # The site's folder name, from the configuration.
        cfg = self.write("site.toml", '[folder]\nspam = "Junk"\n')
        r = self.run_policy(raw, "--config", cfg, "--to", "anna@domain.xyz")
        self.assertEqual(self.delivered(r), [("fileinto", "Junk", BEFORE)])
        self.sift("settings", "reset", "--user", "anna@domain.xyz", "blocked")
        r = self.run_policy(raw, "--to", "anna@domain.xyz")
        self.assertEqual(r["verdict"]["kind"], "refuse")
        # The site's default for everyone, from the configuration.
        cfg = self.write("spam.toml", 'blocked = "spam"\n')
        r = self.run_policy(raw, "--config", cfg, "--to", "anna@domain.xyz")
        self.assertEqual(self.delivered(r), [("fileinto", "Spam", BEFORE)])

    def test_thresholds_per_user(self):
        # 1 + 1 + 3 + 1.5 + 2 = 8.5 (test_spam_rules_add_up_to_spam_or_refusal).
        raw = message("Subject: FREE MONEY NOW!!!", body="Click http//win.example now\n")
        raw = "\r\n".join(l for l in raw.split("\r\n") if not l.startswith(("Message-ID:", "Date:")))
        self.assertEqual(self.delivered(self.run_policy(raw, "--to", "anna@domain.xyz")),
                         [("fileinto", "Spam", BEFORE)])
        self.sift("settings", "set", "--user", "anna@domain.xyz", "spam.threshold", "9")
        r = self.run_policy(raw, "--to", "anna@domain.xyz")
        self.assertEqual(self.delivered(r), [("keep", "INBOX", AFTER)])
        self.assertEqual(r["scores"]["spam"], 8.5)
        self.sift("settings", "set", "--user", "anna@domain.xyz", "spam.threshold", "8.5")
        self.assertEqual(self.delivered(self.run_policy(raw, "--to", "anna@domain.xyz")),
                         [("fileinto", "Spam", BEFORE)])
        self.sift("settings", "set", "--user", "anna@domain.xyz", "spam.threshold", "3")
        self.sift("settings", "set", "--user", "anna@domain.xyz", "spam.reject_threshold", "6")
        r = self.run_policy(raw, "--to", "anna@domain.xyz")
        self.assertEqual(r["actions"][0]["reason"], "message refused as spam")
        # Bob keeps the site's.
        self.assertEqual(self.delivered(self.run_policy(raw, "--to", "bob@domain.xyz")),
                         [("fileinto", "Spam", BEFORE)])
        # A reject threshold below the spam threshold is refused, the old value kept.
        p = self.sift("settings", "set", "--user", "anna@domain.xyz", "spam.threshold", "8", code=2)
        self.assertIn("spam.reject_threshold (6) would be below spam.threshold (8)", p.stderr)
        shown = self.sift("settings", "show", "--user", "anna@domain.xyz").stdout.splitlines()
        self.assertEqual(shown[:3], ["spam.threshold = 3", "spam.reject_threshold = 6",
                                     "filter.spam = on  (default)"])

    def test_filters_off_per_user(self):
        self.sift("settings", "set", "--user", "anna@domain.xyz", "filter.promotions", "off")
        self.sift("settings", "set", "--user", "anna@domain.xyz", "filter.social", "false")
        news = message("List-Unsubscribe: <mailto:leave@news.example.com>",
                       body="To unsubscribe, write back.\n")  # promotions 2 + 1
        social = message("From: Facebook <notification@facebookmail.com>")
        sub = message("From: LinkedIn <m@bounce.linkedin.com>")
        for raw in (news, social, sub):
            self.assertEqual(self.delivered(self.run_policy(raw, "--to", "anna@domain.xyz")),
                             [("keep", "INBOX", AFTER)])
        self.assertEqual(self.delivered(self.run_policy(news, "--to", "bob@domain.xyz")),
                         [("fileinto", "Promotions", AFTER)])
        self.assertEqual(self.delivered(self.run_policy(social, "--to", "bob@domain.xyz")),
                         [("fileinto", "Social", AFTER)])
        gtube = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X"
        spam = message(body=gtube + "\n")
        self.sift("settings", "set", "--user", "anna@domain.xyz", "filter.spam", "off")
        r = self.run_policy(spam, "--to", "anna@domain.xyz")
        self.assertEqual((r["verdict"]["kind"], r["hits"]), ("deliver", []))
        self.assertEqual(self.run_policy(spam, "--to", "bob@domain.xyz")["verdict"]["kind"], "refuse")
        # Forbidden attachments are refused whatever the filters say.
        r = self.run_policy(with_attachment("a.exe", b"MZ"), "--to", "anna@domain.xyz")
        self.assertEqual(r["verdict"]["kind"], "refuse")
        p = self.sift("settings", "set", "--user", "anna@domain.xyz", "filter.social", "maybe", code=2)
        self.assertIn("filter.social: on or off, not 'maybe'", p.stderr)

    def test_uninspectable_per_site_setting(self):
        broken = with_attachment("docs.zip", b"PK\x03\x04 this is no zip at all", "application/zip")
        self.assertEqual(self.run_policy(broken)["verdict"]["kind"], "refuse")
        spam = self.write("spam.toml", 'uninspectable = "spam"\n')
        self.assertEqual(self.delivered(self.run_policy(broken, "--config", spam)),
                         [("fileinto", "Spam", BEFORE)])
        accept = self.write("accept.toml", 'uninspectable = "accept"\n')
        self.assertEqual(self.delivered(self.run_policy(broken, "--config", accept)),
                         [("keep", "INBOX", AFTER)])
        # Accepting what cannot be inspected still refuses what can be seen.
        r = self.run_policy(with_attachment("a.exe", b"MZ"), "--config", accept)
        self.assertEqual(r["verdict"]["kind"], "refuse")

    def test_configuration_commands(self):
        good = self.write("good.toml", '[spam]\nthreshold = 4.5\n[authres]\ntrusted_authserv_ids = ["mx.example.net"]\n')
        self.assertEqual(self.sift("config", "check", good).stdout, good + ": ok\n")
        bad = self.write("bad.toml", "[filter]\nspam = true\npromotion = false\n")
        p = self.sift("config", "check", bad, code=2)
        self.assertEqual(p.stderr, bad + ":3:1: error: filter.promotion: unknown key\n")
        # sift run refuses it whole, at start.
        p = self.sift("run", "--config", bad, "--policy", "default", self.write("m.eml", message()), code=2)
        self.assertIn(bad + ":3:1: error: filter.promotion: unknown key", p.stderr)
        shown = self.sift("config", "show", "--config", good).stdout
        self.assertIn("threshold = 4.5\n", shown)
        self.assertIn("trusted_authserv_ids = ['mx.example.net']\n", shown)
        again = self.write("shown.toml", shown)
        self.assertEqual(self.sift("config", "show", "--config", again).stdout.splitlines()[1:],
                         shown.splitlines()[1:])
        defaults = self.sift("config", "show").stdout
        self.assertIn("path = '" + os.path.join(self.state_dir, "state.mdb") + "'\n", defaults)
        # --config runs its policy.dir and believes its authserv-ids.
        r = self.run_policy(message(dmarc("fail", "p=reject")), "--config", good)
        self.assertEqual(r["verdict"]["kind"], "refuse")
        self.assertEqual(self.run_policy(message(dmarc("fail", "p=reject")))["verdict"]["kind"], "deliver")
        # A store the configuration names must open.
        store = self.write("store.toml", '[store]\nkind = "lmdb"\npath = "/nonexistent/dir/state.mdb"\n')
        p = self.sift("run", "--config", store, "--policy", "default", self.write("m2.eml", message()), code=2)
        self.assertIn("/nonexistent/dir", p.stderr)

    # Plus addressing (docs/POLICY.md "Plus addressing").

    def test_plus_addresses_reach_the_user_and_opt_in_folders(self):
        self.sift("list", "add", "--user", "anna@domain.xyz", "block", "@spam.example")
        r = self.run_policy(message("From: x@spam.example"), "--to", "anna+shop@domain.xyz")
        self.assertEqual(r["verdict"]["kind"], "refuse")  # anna's list, for anna+shop
        r = self.run_policy(message(), "--to", "anna+shop@domain.xyz")
        self.assertEqual(self.delivered(r), [("keep", "INBOX", AFTER)])  # not opted in
        self.sift("settings", "set", "--user", "anna+anything@domain.xyz", "plus.folders", "on")
        for detail, folder in [("shop", "shop"), ("Shop.News", "Shop.News"), ("../etc/passwd", "_etc_passwd"),
                               ("...hidden", "hidden"), ("a..b", "a.b"), ("x*%y", "x__y"),
                               ("a" * 100, "a" * 64), ("Ü" * 40, "Ü" * 32)]:
            r = self.run_policy(message(), "--to", f"anna+{detail}@domain.xyz")
            self.assertEqual(self.delivered(r), [("fileinto", folder, AFTER)], detail)
        # No detail, an empty one, or one with nothing safe left: the inbox.
        for to in ["anna@domain.xyz", "anna+@domain.xyz", "anna+...@domain.xyz"]:
            self.assertEqual(self.delivered(self.run_policy(message(), "--to", to)), [("keep", "INBOX", AFTER)], to)
        # Spam still goes to Spam, and the user's own script still decides first.
        gtube = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X"
        self.assertEqual(self.run_policy(message(body=gtube), "--to", "anna+shop@domain.xyz")["verdict"]["kind"],
                         "refuse")
        user = 'require "fileinto"; fileinto "Mine";'
        r = self.run_policy(message(), "--to", "anna+shop@domain.xyz", user=user)
        self.assertEqual([a[1] for a in self.delivered(r)], ["Mine"])
        # Someone else's opt-in is not bob's.
        self.assertEqual(self.delivered(self.run_policy(message(), "--to", "bob+shop@domain.xyz")),
                         [("keep", "INBOX", AFTER)])

    # sift report (README).

    def test_report_spam_and_ham_block_and_allow_the_from_address(self):
        raw = message("From: \"Shop\" <Deals@Shop.Example>", "Return-Path: <b@bounce.example>")
        msg = self.write("m.eml", raw)
        p = self.sift("report", "spam", "--user", "anna+x@domain.xyz", msg)
        self.assertEqual(p.stdout, "deals@shop.example blocked in tag:sift,2026:users/anna@domain.xyz/block\n")
        r = self.run_policy(raw, "--to", "anna@domain.xyz")
        self.assertEqual(r["verdict"]["kind"], "refuse")
        self.assertEqual(self.run_policy(raw, "--to", "bob@domain.xyz")["verdict"]["kind"], "deliver")
        p = self.sift("report", "ham", "--user", "anna@domain.xyz", msg)
        self.assertEqual(p.stdout, "deals@shop.example allowed in tag:sift,2026:users/anna@domain.xyz/allow"
                                   " (removed from tag:sift,2026:users/anna@domain.xyz/block)\n")
        self.assertEqual(self.sift("list", "show", "--user", "anna@domain.xyz", "allow").stdout,
                         "deals@shop.example\n")
        self.assertEqual(self.sift("list", "show", "--user", "anna@domain.xyz", "block").stdout, "")
        self.assertEqual(self.run_policy(raw, "--to", "anna@domain.xyz")["verdict"]["kind"], "deliver")
        # Without --user: the global lists.
        self.sift("report", "spam", msg)
        self.assertEqual(self.sift("list", "show", "block").stdout, "deals@shop.example\n")
        # A message without a From address is an error, and changes nothing.
        nofrom = self.write("n.eml", "Subject: x\r\n\r\nhi\r\n")
        p = self.sift("report", "spam", "--user", "anna@domain.xyz", nofrom, code=2)
        self.assertIn("no From address", p.stderr)
        self.sift("report", "junk", msg, code=2)


    # sift vacation (docs/POLICY.md "Auto-reply").

    def vacations(self, r):
        return [a for a in r["actions"] if a["action"] == "vacation"]

    def test_auto_reply_from_the_users_settings(self):
        import datetime
        to_anna = message("To: Anna <anna@domain.xyz>", "From: Bob <bob@example.org>")
        run = ["--from", "bob@example.org", "--to", "anna+x@domain.xyz"]
        self.assertEqual(self.vacations(self.run_policy(to_anna, *run)), [])
        self.assertEqual(self.sift("vacation", "show", "--user", "anna@domain.xyz").stdout,
                         "no auto-reply for anna@domain.xyz\n")
        self.sift("vacation", "set", "--user", "anna@domain.xyz", "--message", "Away until Monday.\nAnna",
                  "--subject", "Out of office", "--exclude", "@boss.example", "--exclude", "Carol@example.org")
        r = self.run_policy(to_anna, *run)
        [v] = self.vacations(r)
        self.assertEqual(v["script"], BEFORE)
        self.assertEqual(v["subject"], "Out of office")
        self.assertEqual(v["recipient"], "bob@example.org")
        self.assertIn("Away until Monday.\nAnna", v["body"])
        self.assertNotIn("not_sent", v)
        self.assertEqual(self.delivered(r)[-1], ("keep", "INBOX", AFTER))  # the mail is still delivered
        # Seven days' memory per sender: the next message from Bob gets none.
        [v] = self.vacations(self.run_policy(to_anna, *run))
        self.assertIn("already replied", v["not_sent"])
        # Excluded senders, list mail and the null sender get no reply.
        for sender in ["ceo@boss.example", "carol@example.org"]:
            self.assertEqual(self.vacations(self.run_policy(to_anna, "--from", sender, "--to", "anna@domain.xyz")),
                             [], sender)
        [v] = self.vacations(self.run_policy(message("To: anna@domain.xyz", "List-Id: <l.example.org>"),
                                             "--from", "dave@example.org", "--to", "anna@domain.xyz"))
        self.assertIn("not_sent", v)
        # Spam gets no reply: it never reaches the responder.
        gtube = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X"
        r = self.run_policy(message("To: anna@domain.xyz", body=gtube), "--from", "eve@example.org",
                            "--to", "anna@domain.xyz")
        self.assertEqual((r["verdict"]["kind"], self.vacations(r)), ("refuse", []))
        # A user script with a responder of its own: only that one, no error.
        own = 'require "vacation"; vacation :days 1 "my own";'
        r = self.run_policy(to_anna, "--from", "frank@example.org", "--to", "anna@domain.xyz", user=own)
        self.assertEqual([v["script"] for v in self.vacations(r)], [os.path.join(self.tmp.name, "user.sieve")])
        self.assertEqual(r["status"], "ok")
        # Outside its dates or weekdays: silent.
        today = datetime.date.today()
        tomorrow = (today + datetime.timedelta(days=1)).isoformat()
        yesterday = (today - datetime.timedelta(days=1)).isoformat()
        other_days = ",".join(d for i, d in enumerate(["mon", "tue", "wed", "thu", "fri", "sat", "sun"])
                              if i != today.weekday())
        for extra, answers in [(["--start", tomorrow], False), (["--end", yesterday], False),
                               (["--start", yesterday, "--end", today.isoformat()], True),
                               (["--weekdays", other_days], False)]:
            self.sift("vacation", "set", "--user", "anna@domain.xyz", "--message", "Away.", *extra)
            sender = f"g{len(extra)}{answers}@example.org"
            got = self.vacations(self.run_policy(to_anna, "--from", sender, "--to", "anna@domain.xyz"))
            self.assertEqual(len(got), 1 if answers else 0, extra)
        shown = self.sift("vacation", "show", "--user", "anna@domain.xyz").stdout
        self.assertEqual(shown, "weekdays: " + other_days + "\nmessage:\nAway.\n")
        # In the user's zone: Kiritimati (UTC+14) and Pago Pago (UTC-11),
        # neither with daylight saving time, are 25 hours apart, so their
        # dates always differ; a window of Kiritimati's today answers only
        # there.
        kiritimati = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=14))).date().isoformat()
        for zone, answers in [("Pacific/Kiritimati", True), ("Pacific/Pago_Pago", False)]:
            self.sift("vacation", "set", "--user", "anna@domain.xyz", "--message", "Away.", "--zone", zone,
                      "--start", kiritimati, "--end", kiritimati)
            got = self.vacations(self.run_policy(to_anna, "--from", f"z-{answers}@example.org",
                                                 "--to", "anna@domain.xyz"))
            self.assertEqual(len(got), 1 if answers else 0, zone)
        self.assertIn("zone: Pacific/Pago_Pago\n",
                      self.sift("vacation", "show", "--user", "anna@domain.xyz").stdout)
        self.sift("vacation", "set", "--user", "anna@domain.xyz", "--message", "Away.", "--weekdays", other_days)
        self.assertEqual(self.sift("vacation", "reset", "--user", "anna@domain.xyz").stdout,
                         "auto-reply removed for anna@domain.xyz\n")
        self.assertEqual(self.vacations(self.run_policy(to_anna, "--from", "h@example.org", "--to", "anna@domain.xyz")),
                         [])
        # Bad input changes nothing.
        for args, why in [(["--message", ""], "the message is empty"),
                          (["--message", "x", "--from", "not an address"], "is not one address"),
                          (["--message", "x", "--start", "2026-12-24", "--end", "2026-12-20"], "is before the start"),
                          (["--message", "x", "--weekdays", "mon,funday"], "is not a weekday"),
                          (["--message", "x", "--start", "24.12.2026"], "is not a local time"),
                          (["--message", "x" * 5000], "longer than 4000 bytes"),
                          (["--message", "x", "--exclude", "nobody"], "exclude:"),
                          (["--message", "x", "--zone", "Mars/Olympus_Mons"], "is not a time zone")]:
            p = self.sift("vacation", "set", "--user", "anna@domain.xyz", *args, code=2)
            self.assertIn(why, p.stderr, args)
        self.assertEqual(self.sift("vacation", "show", "--user", "anna@domain.xyz").stdout,
                         "no auto-reply for anna@domain.xyz\n")


if __name__ == "__main__":
    SIFT = sys.argv.pop(1)
    unittest.main()
