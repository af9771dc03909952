# Sift's default policy, the part that runs before the user's own script
# (docs/POLICY.md). A decision here (a refusal, a folder) ends the
# evaluation: the user's script does not run and cannot undo it.
require ["vnd.sift.defects", "vnd.sift.authres", "vnd.sift.attachment",
         "vnd.sift.score", "extlists", "envelope", "ereject", "fileinto",
         "variables", "relational", "comparator-i;ascii-numeric", "body",
         "regex", "environment"];

# Settings (docs/POLICY.md "Settings"): the recipient's, as the policy
# runner gives them in vnd.sift.* environment items (sift::policy_items:
# the configuration's defaults overlaid by the user's own settings); a run
# without them keeps these, the documented defaults.
set "spam_threshold" "5";
set "reject_threshold" "15";
set "spam_folder" "Spam";
if environment :matches "vnd.sift.spam.threshold" "*" { set "spam_threshold" "${1}"; }
if environment :matches "vnd.sift.spam.reject_threshold" "*" { set "reject_threshold" "${1}"; }
if environment :matches "vnd.sift.folder.spam" "*" { set "spam_folder" "${1}"; }

# Block lists, the user's and the global one (sift list add ... block
# ENTRY: whole addresses, @domain, @.domain and its subdomains): the
# header sender or the envelope sender on one is refused, or with the
# setting blocked = spam filed into the Spam folder.
if anyof (address :list "from" ["tag:sift,2026:user/block", "tag:sift,2026:block"],
          envelope :list "from" ["tag:sift,2026:user/block", "tag:sift,2026:block"]) {
  if environment :is "vnd.sift.blocked" "spam" {
    fileinto "${spam_folder}";
    stop;
  }
  ereject "sender blocked by the recipient's or the site's block list";
  stop;
}

# What could not be inspected is not let through: a MIME structure deeper
# or larger than the limits, or header fields past the limit, may hide
# what the rules below look for (docs/MESSAGE.md names each defect). The
# site's setting uninspectable: refuse (the default), spam (the Spam
# folder) or accept (on to the rules below).
if defect :is ["mime_too_deep", "mime_too_many_parts", "mime_fields_dropped",
               "header_fields_dropped"] {
  if environment :is "vnd.sift.uninspectable" "spam" {
    fileinto "${spam_folder}";
    stop;
  }
  if not environment :is "vnd.sift.uninspectable" "accept" {
    ereject "message structure too complex to inspect";
    stop;
  }
}

# An attachment that could not be inspected: an archive that is damaged,
# cut short, encrypted (its content, perhaps its names, hidden) or past
# the quotas (run_options::attachment) may hide a forbidden file.
if defect :is ["archive_unreadable", "archive_truncated",
               "archive_quota_exceeded", "archive_encrypted"] {
  if environment :is "vnd.sift.uninspectable" "spam" {
    fileinto "${spam_folder}";
    stop;
  }
  if not environment :is "vnd.sift.uninspectable" "accept" {
    ereject "attachment could not be inspected";
    stop;
  }
}

# Forbidden file types, wherever they are: a MIME attachment's name, a
# double extension (photo.jpg.scr), a member of an archive, of an archive
# in an archive (docs/EXTENSIONS.md, vnd.sift.attachment).
if attachment :extension ["exe", "com", "cmd", "cpl", "hta", "scf", "sct",
                          "lnk", "bat", "js", "jse", "wsh", "ws", "wsf",
                          "wsc", "vbe", "vb", "vbs", "shs", "pif", "scr"] {
  ereject "forbidden attachment type (.${1} in ${2})";
  stop;
}

# DMARC (RFC 7489 §6.3), as the site's own checker wrote it in a trusted
# Authentication-Results field: the From domain asks to refuse mail that
# fails, for all of it (pct 100) ...
if allof (authres :method "dmarc" "fail",
          authres :method "dmarc" :property "p" "reject",
          authres :method "dmarc" :property "pct" :value "eq"
                  :comparator "i;ascii-numeric" "100") {
  ereject "DMARC policy of the sender's domain: reject";
  stop;
}
# ... or to treat it as suspicious: to Spam (p=reject sampled below 100%
# too: the domain asked for no less).
if allof (authres :method "dmarc" "fail",
          authres :method "dmarc" :property "p" ["quarantine", "reject"]) {
  fileinto "${spam_folder}";
  stop;
}

# The allow lists: an allowed sender skips the spam rules below, but only
# when the message is authenticated for the sender's domain (DMARC pass,
# or SPF or DKIM pass aligned with the From domain): spammers forge
# allowed addresses, the recipient's own included.
set "allowed" "no";
if allof (address :list "from" ["tag:sift,2026:user/allow", "tag:sift,2026:allow"],
          anyof (authres :method "dmarc" "pass",
                 authres :method ["dkim", "spf"] :aligned "pass")) {
  set "allowed" "yes";
}

# Spam rules (vnd.sift.score): named, weighted hits on the spam score.
# The weights are first estimates, not yet tuned on a corpus. Not for an
# allowed sender, nor for a user who turned the spam filter off
# (filter.spam = off).
if allof (string :is "${allowed}" "no",
          not environment :is "vnd.sift.filter.spam" "off") {
  if not exists "message-id" {
    score :rule "MISSING_MESSAGE_ID" "1";
  }
  if not exists "date" {
    score :rule "MISSING_DATE" "1";
  }
  if header :comparator "i;octet" :regex "subject" "^[^a-z]*[A-Z]{5}[^a-z]*$" {
    score :rule "SUBJECT_ALL_CAPS" "1.5";
  }
  if header :contains "subject" "!!!" {
    score :rule "SUBJECT_EXCLAIMS" "1";
  }
  # A display name holding an address: "support@bank.example" <x@y>.
  if header :regex "from" "^[^<]*@[^<]*<" {
    score :rule "FROM_NAME_HAS_ADDRESS" "2";
  }
  # Links a mail client will not open as written (http//host, http://.host)
  # and links to a bare IP address.
  if body :text :regex ["https?//", "https?://[.]"] {
    score :rule "MALFORMED_LINK" "2";
  }
  if body :text :regex "https?://\\[?[0-9]{1,3}(\\.[0-9]{1,3}){3}" {
    score :rule "IP_LITERAL_LINK" "2";
  }
  if authres :method "spf" "fail" {
    score :rule "SPF_FAIL" "1.5";
  }
  if authres :method "dkim" "fail" {
    score :rule "DKIM_FAIL" "1.5";
  }
  if authres :method "dmarc" "fail" {
    score :rule "DMARC_FAIL" "2";
  }
  # GTUBE, the test string every spam filter scores as spam: 1000, as
  # SpamAssassin does.
  if body :text :contains "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X" {
    score :rule "GTUBE" "1000";
  }

  # Far above the threshold (spam.reject_threshold, 15): refused; above it
  # (spam.threshold, 5 as SpamAssassin's required_score): to Spam.
  if score :value "ge" "${reject_threshold}" {
    ereject "message refused as spam";
    stop;
  }
  if score :value "ge" "${spam_threshold}" {
    fileinto "${spam_folder}";
    stop;
  }
}
