# Sift's default policy, the part that runs before the user's own script
# (docs/POLICY.md). A decision here (a refusal, a folder) ends the
# evaluation: the user's script does not run and cannot undo it.
require ["vnd.sift.defects", "vnd.sift.authres", "vnd.sift.attachment",
         "extlists", "envelope", "ereject", "fileinto", "variables",
         "relational", "comparator-i;ascii-numeric"];

# Block lists, the user's and the global one (sift list add ... block
# ENTRY: whole addresses, @domain, @.domain and its subdomains): the
# header sender or the envelope sender on one is refused.
if anyof (address :list "from" ["tag:sift,2026:user/block", "tag:sift,2026:block"],
          envelope :list "from" ["tag:sift,2026:user/block", "tag:sift,2026:block"]) {
  ereject "sender blocked by the recipient's or the site's block list";
  stop;
}

# What could not be inspected is not let through: a MIME structure deeper
# or larger than the limits, or header fields past the limit, may hide
# what the rules below look for (docs/MESSAGE.md names each defect).
if defect :is ["mime_too_deep", "mime_too_many_parts", "mime_fields_dropped",
               "header_fields_dropped"] {
  ereject "message structure too complex to inspect";
  stop;
}

# An attachment that could not be inspected: an archive that is damaged,
# cut short, encrypted (its content, perhaps its names, hidden) or past
# the quotas (run_options::attachment) may hide a forbidden file.
if defect :is ["archive_unreadable", "archive_truncated",
               "archive_quota_exceeded", "archive_encrypted"] {
  ereject "attachment could not be inspected";
  stop;
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
  fileinto "Spam";
  stop;
}
