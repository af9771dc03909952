#!/usr/bin/env python3
"""The README's main job, scripts/demo: the default policy over the bundled
samples (examples/messages) for a recipient with a block list entry, an
allow list entry, plus-address folders and an auto-reply. Each sample was
written to show one rule; the table below says, by hand, what that rule
must do with it, so a change to the policy or a sample that stops showing
its rule fails here.

Usage: test_demo.py SIFT_BINARY"""
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

# sample -> (the first decision line starts with, a rule that must hit or None)
EXPECTED = {
    "01-plain.eml": ("keep (implicit)", None),
    "02-spam.eml": ('fileinto "Spam"', "UPSTREAM_SPAM"),
    "03-list.eml": ("keep (implicit)", None),
    "04-invoice.eml": ("keep (implicit)", None),
    "05-nuisance.eml": ('ereject "sender blocked', None),
    "06-attachment.eml": ('ereject :replycode "554 5.7.0" "Message rejected: forbidden attachment type (.exe in docs.zip)"',
                          None),
    "07-dmarc-reject.eml": ('ereject "DMARC policy', None),
    "08-social.eml": ('fileinto "Social"', "SOCIAL_SENDER_DOMAIN"),
    "09-phishing.eml": ('fileinto "Spam"', "PHISHING_WORDING"),
    "10-newsletter.eml": ('fileinto "Promotions"', "PROMO_LIST_UNSUBSCRIBE"),
    "11-discussion-list.eml": ("keep (implicit)", "PROMO_DISCUSSION_LIST"),
    "12-receipt.eml": ("keep (implicit)", None),
    "13-forged-spam-status.eml": ('fileinto "Spam"', "SUBJECT_ALL_CAPS"),
    "14-plus-address.eml": ('fileinto "receipts"', None),
    "15-allowed-partner.eml": ("keep (implicit)", None),
    "16-forged-partner.eml": ('fileinto "Spam"', "DMARC_FAIL"),
    "17-link-tricks.eml": ('fileinto "Spam"', "LINK_BRAND_MISMATCH"),
    "18-faraway-charset.eml": ('fileinto "Spam"', "CHARSET_FARAWAY_HEADER"),
}
# Who gets the auto-reply: personal mail, not lists (excluded, or RFC
# 3834's list headers) and not mail that is refused or filed as spam.
# The reply goes to the envelope sender (RFC 5230 §4.4: Return-Path here).
VACATION_TO = {"01-plain.eml": "anna@example.com", "12-receipt.eml": "bounces+123@em.shop.example",
               "14-plus-address.eml": "orders@shop.example", "15-allowed-partner.eml": "sales@partner.example"}


def main():
    env = dict(os.environ, SIFT=sys.argv[1])
    p = subprocess.run([os.path.join(ROOT, "scripts", "demo")], capture_output=True, text=True, env=env)
    if p.returncode != 0:
        print(p.stdout, p.stderr)
        return 1
    samples = {}
    for block in re.split(r"^== ", p.stdout, flags=re.M)[1:]:
        title, *lines = block.rstrip("\n").split("\n")
        samples[title.split(" ")[0]] = [line.strip() for line in lines]
    failures = []
    listed = sorted(f for f in os.listdir(os.path.join(ROOT, "examples", "messages")) if f.endswith(".eml"))
    if sorted(EXPECTED) != listed:
        failures.append(f"samples {listed} but the table has {sorted(EXPECTED)}")
    for name, (decision, rule) in EXPECTED.items():
        lines = samples.get(name)
        if lines is None:
            failures.append(f"{name}: not in the output")
            continue
        decisions = [x for x in lines if not x.startswith(("vacation", "score", "addheader", "deleteheader"))]
        if not decisions or not decisions[0].startswith(decision):
            failures.append(f"{name}: expected {decision!r}, got {decisions[:1]}")
        if rule and not any(x.startswith("score ") and f" {rule} " in x for x in lines):
            failures.append(f"{name}: rule {rule} did not hit:\n  " + "\n  ".join(lines))
        replies = [x for x in lines if x.startswith("vacation to <")]
        want = VACATION_TO.get(name)
        if bool(replies) != bool(want):
            failures.append(f"{name}: auto-reply {replies}, expected to {want}")
        if want and (not replies or f"<{want}>" not in replies[0]):
            failures.append(f"{name}: expected an auto-reply to {want}, got {replies}")
        refused_or_spam = decision.startswith("ereject") or decision == 'fileinto "Spam"'
        if refused_or_spam and replies:
            failures.append(f"{name}: refused or spam, yet answered: {replies}")
    for f in failures:
        print("FAIL:", f)
    print(f"{len(EXPECTED)} samples, {len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
