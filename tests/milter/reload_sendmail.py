#!/usr/bin/env python3
"""Reload under load through a real Sendmail: reload_postfix.py's
scenarios (client threads sending 240 messages while the policy is
reloaded by SIGUSR1, by the file poller and by POST /reload, a broken
policy refused; nothing refused, tempfailed or lost; /metrics counting
what was sent) in the world of e2e_sendmail.py: Sendmail 8.17 on loopback
-> sift-milter over TCP -> Sendmail's LMTP mailer -> Dovecot LMTP
(World(lmtp=True)). At the end Sendmail's queue must be empty.

Usage: reload_sendmail.py SIFT_MILTER SIFT

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
from e2e_postfix import SKIP, wait_port  # noqa: E402
from e2e_sendmail import World, run_in_world, skip_reason  # noqa: E402
from reload_postfix import milter_options, policy, scenarios  # noqa: E402  (the same checks)
from run_miltertest import free_port  # noqa: E402


class ReloadWorld(World):
    """The Sendmail world delivering example.net by LMTP, with this test's
    policy directory and --metrics instead of e2e_sendmail's options."""

    def __init__(self, prefix, milter_binary, sift, d, policy_dir, metrics_port):
        super().__init__(prefix, milter_binary, sift, d, lmtp=True)
        self.policy_dir, self.metrics_port = policy_dir, metrics_port

    def start_milter(self):
        log = open(os.path.join(self.d, "log", "milter.log"), "a")
        self.procs["milter"] = subprocess.Popen(
            [self.milter_binary, "--listen", f"inet:{self.mport}@127.0.0.1",
             *milter_options(self.policy_dir, self.metrics_port)],
            stdout=log, stderr=subprocess.STDOUT)
        wait_port(self.mport, "sift-milter", self.procs["milter"])
        wait_port(self.metrics_port, "sift-milter --metrics", self.procs["milter"])


def main():
    milter, sift = sys.argv[1], sys.argv[2]
    prefix, why = skip_reason(lmtp=True)
    if prefix is None:
        print("SKIPPED: " + why)
        return SKIP
    d = tempfile.mkdtemp(prefix="sift-reload-sendmail-")
    os.makedirs(f"{d}/policy")
    policy_file = f"{d}/policy/before.sieve"
    with open(policy_file, "w") as f:
        f.write(policy("v1"))
    w = ReloadWorld(prefix, milter, sift, d, f"{d}/policy", free_port())
    return run_in_world(w, d, lambda: scenarios(w, policy_file), ("milter.log", "dovecot.log", "smtp.trace"),
                        "all reload checks through Sendmail passed")


if __name__ == "__main__":
    sys.exit(main())
