#!/usr/bin/env python3
"""Local delivery through a real Sendmail: client -> Sendmail 8.17 (the
world of e2e_sendmail.py, World(lmtp=True)) -> sift-milter -> Sendmail's
LMTP mailer (`dovecot`, P=[IPC] with F=z, chosen for example.net by a
mailertable) -> Dovecot LMTP delivering to Maildirs, with
lmtp_save_to_detail_mailbox filing user+Folder@ into Folder; other domains
go to smtp-sink. Checks the folders of e2e_postfix.py's Dovecot checks:
clean mail in INBOX with the score fields, the policy's Spam folder, two
users' scripts filing one message differently (and a third recipient's
INBOX, and a relayed recipient of the same message at the smart host),
a redirect to a user beside that user's own discard (one copy), a plus address with plus.folders on in its folder and one with it off in
INBOX (the milter's --local-mailers dovecot). At the end Sendmail's
queue must be empty.

Usage: lmtp_sendmail.py SIFT_MILTER SIFT

Skipped (77), saying why, as milter_e2e_sendmail (no root, no Sendmail
to fetch) and without Dovecot LMTP. Every daemon on 127.0.0.1, stopped
by PID at the end.
"""
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from e2e_postfix import SKIP, check_delivered, message, ok, plus_addresses  # noqa: E402  (the same checks)
from e2e_sendmail import World, rcpt_args, run_in_world, sink_copies, skip_reason  # noqa: E402
from run_miltertest import fail  # noqa: E402


def scenarios(w):
    code, text, _ = w.send(["bob@example.net"], message("clean one"))
    if code != 250:
        fail(f"clean mail: {code} {text}")
    got = [m for m in w.delivered("bob") if "Subject: clean one" in m]
    head = got[0].split("\n\n", 1)[0] if len(got) == 1 else ""
    if "\nX-Spam-Score: 0\n" in head and "\nX-Spam-Status: No, score=0 required=5 tests=none\n" in head:
        ok("clean mail in bob's INBOX through Sendmail's LMTP mailer, with X-Spam-Score: 0 and X-Spam-Status")
    else:
        fail(f"clean mail: {len(got)} copies in bob's INBOX: {head[:1500]}")

    # Spam by the default policy (e2e_postfix's message): bob+Spam, which
    # Dovecot files into Spam.
    spam = ("From: \"win@prize.example\" <x@prize.example>\r\nTo: bob@example.net\r\n"
            "Subject: WINNER!!!\r\n\r\nclaim it at http//prize.example/\r\n")
    code, text, _ = w.send(["bob@example.net"], spam)
    check_delivered(w, "bob", "Spam", "WINNER!!!", "the policy's Spam folder: bob+Spam into bob/.Spam")

    # One message, four recipients: filer's and junk's own scripts file it
    # differently, carol (no script) keeps it, dave is not local (smart host).
    code, text, refused = w.send(["filer@example.net", "junk@example.net", "carol@example.net", "dave@example.org"],
                                 message("three ways"))
    if code != 250 or refused:
        fail(f"four recipients: {code} {text} {refused}")
    check_delivered(w, "filer", "Work=20Stuff", "three ways", "filer's own fileinto \"Work Stuff\": filer/.Work=20Stuff")
    check_delivered(w, "junk", "Junk", "three ways", "junk's own fileinto \"Junk\", same message: junk/.Junk")
    check_delivered(w, "carol", "", "three ways", "carol (no script) in INBOX, same message")
    relayed = [a.split()[0] for dump in sink_copies(w, "three ways") for a in rcpt_args(dump)]
    if relayed == ["<dave@example.org>"]:
        ok("the same message's recipient in another domain reached the smart host, and only it")
    else:
        fail(f"three ways at the smart host: {relayed}")

    # A redirect to drop beside drop's own discard, one transaction
    # (smfi_delrcpt of drop, then smfi_addrcpt of drop): one copy for drop.
    code, text, refused = w.send(["todrop@example.net", "drop@example.net"], message("redirect to a discarder"))
    if code != 250 or refused:
        fail(f"redirect beside discard: {code} {text} {refused}")
    check_delivered(w, "drop", "", "redirect to a discarder",
                    "a redirect to drop beside drop's own discard: one copy in drop's INBOX")

    # Sendmail's mailers: `dovecot` (the World's --local-mailers), `esmtp`.
    plus_addresses(w, local_mailer="dovecot", relay_mailer="esmtp", delivery_report=False)


def main():
    milter, sift = sys.argv[1], sys.argv[2]
    prefix, why = skip_reason(lmtp=True)
    if prefix is None:
        print("SKIPPED: " + why)
        return SKIP
    d = tempfile.mkdtemp(prefix="sift-lmtp-sendmail-")
    w = World(prefix, milter, sift, d, lmtp=True)
    subprocess.run([sift, "settings", "set", "--store", w.store, "--user", "plusser@example.net",
                    "plus.folders", "on"], check=True, capture_output=True)
    return run_in_world(w, d, lambda: scenarios(w), ("milter.log", "dovecot.log", "smtp.trace"),
                        "all LMTP delivery checks through Sendmail passed")


if __name__ == "__main__":
    sys.exit(main())
