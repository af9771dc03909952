# Sift's default policy, the part that runs before the user's own script
# (docs/POLICY.md). A decision here (a refusal, a folder) ends the
# evaluation: the user's script does not run and cannot undo it.
require ["vnd.sift.defects", "vnd.sift.authres", "vnd.sift.attachment",
         "vnd.sift.score", "extlists", "envelope", "ereject", "fileinto",
         "variables", "relational", "comparator-i;ascii-numeric", "body",
         "regex", "environment", "date", "mime", "foreverypart", "subaddress",
         "comparator-i;unicode-casemap", "vacation", "editheader", "vnd.sift.replycode",
         "vnd.sift.dateage", "vnd.sift.charset", "vnd.sift.link"];

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

# A submission: mail one of this site's own users sent after logging in
# (SMTP AUTH), which sift-milter marks so with --authenticated submission,
# its default (docs/MILTER.md "Authenticated submissions"). The rules for
# mail from outside (DMARC, the spam rules, the score fields) are not for
# it; the block lists, what cannot be inspected and the forbidden
# attachments are.
set "submission" "no";
if environment :is "vnd.sift.submission" "on" {
  set "submission" "yes";
}

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
# in an archive (docs/EXTENSIONS.md, vnd.sift.attachment). Refused as
# 554 5.7.0 (vnd.sift.replycode), where the other refusals are ereject's
# 550 5.7.1.
if attachment :extension ["exe", "com", "cmd", "cpl", "hta", "scf", "sct",
                          "lnk", "bat", "js", "jse", "wsh", "ws", "wsf",
                          "wsc", "vbe", "vb", "vbs", "shs", "pif", "scr"] {
  ereject :replycode "554 5.7.0" "Message rejected: forbidden attachment type (.${1} in ${2})";
  stop;
}

# DMARC (RFC 7489 §6.3), as the site's own checker wrote it in a trusted
# Authentication-Results field: the From domain asks to refuse mail that
# fails, for all of it (pct 100) ...
if allof (string :is "${submission}" "no",
          authres :method "dmarc" "fail",
          authres :method "dmarc" :property "p" "reject",
          authres :method "dmarc" :property "pct" :value "eq"
                  :comparator "i;ascii-numeric" "100") {
  ereject "DMARC policy of the sender's domain: reject";
  stop;
}
# ... or to treat it as suspicious: to Spam (p=reject sampled below 100%
# too: the domain asked for no less), after the spam rules below, so that
# it carries the score header fields like any other mail filed there.
set "quarantine" "no";
if allof (string :is "${submission}" "no",
          authres :method "dmarc" "fail",
          authres :method "dmarc" :property "p" ["quarantine", "reject"]) {
  set "quarantine" "yes";
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
# Weights tuned with `sift eval` on the SpamAssassin corpus's spam-1 and
# easy-ham-1 groups only (docs/ACCURACY.md); docs/POLICY.md says what each
# rule hits. Not for an allowed sender, nor for a user who turned the spam
# filter off (filter.spam = off), nor for a submission.
if allof (string :is "${allowed}" "no", string :is "${submission}" "no",
          not environment :is "vnd.sift.filter.spam" "off") {
  # Another filter's verdict, upstream of this server: read before the
  # policy removes incoming X-Spam-* fields (they are then forged or old).
  if anyof (header :is "X-Spam-Flag" "YES",
            header :regex "X-Spam-Status" "^yes\\b",
            header :is "X-Spam" ["yes", "spam"],
            header :contains "X-Spam-Level" "*****") {
    score :rule "UPSTREAM_SPAM" "3";
  }

  # A raw 8-bit byte in a header field of mail sent without SMTPUTF8
  # (RFC 6532 needs it), which sift-milter --8bit-headers score lets
  # through and names in this environment item instead of refusing.
  if environment :matches "vnd.sift.8bit_header" "?*" {
    score :rule "HEADER_8BIT_NO_SMTPUTF8" "2";
  }

  # The message's own fields: missing, or not as RFC 5322 writes them.
  if not exists "message-id" {
    score :rule "MISSING_MESSAGE_ID" "1";
  } elsif not header :regex "message-id" "^<[^<>@ ]+@[^<>@ ]+>$" {
    score :rule "MESSAGE_ID_MALFORMED" "2";
  }
  # Outlook's Message-IDs as spam tools imitate them: Outlook writes
  # <hhhhhhhhhhhh$hhhhhhhh$hhhhhhhh@host> with the time of sending in the
  # first part, whose high digits are 01bd to 01d?; random digits there
  # are forged (SpamAssassin's MSGID_OUTLOOK_INVALID).
  if allof (header :regex "message-id" "^<[0-9a-f]{12}\\$[0-9a-f]{8}\\$[0-9a-f]{8}@",
            not header :regex "message-id" "^<[0-9a-f]{4}01[b-d][0-9a-f]{5}\\$") {
    score :rule "MESSAGE_ID_FORGED_OUTLOOK" "3.5";
  }
  if not exists "date" {
    score :rule "MISSING_DATE" "1";
  } elsif not date :matches "date" "julian" "*" {
    score :rule "DATE_MALFORMED" "3";
  } elsif header :regex "date" "[+-]([2-9][0-9]|1[5-9])[0-9]{2}( |\\(|$)" {
    # A zone such as -1600: no place on earth is that far from UTC.
    score :rule "DATE_ZONE_INVALID" "3";
  }
  # A Date ahead of the arrival (vnd.sift.dateage against the clock: the
  # time the message came), as SpamAssassin's DATE_IN_FUTURE_* rules: a
  # sender's clock that is hours ahead is a bulk mailer's, rarely a
  # person's. A Date far in the *past* is not scored: on the tuning corpus
  # it is a ham signal (list archives, digests, delayed mail; POLICY.md).
  if dateage :future :value "ge" :comparator "i;ascii-numeric" "date" "hours" "12" {
    score :rule "DATE_IN_FUTURE_12_XX" "2.5";
  } elsif dateage :future :value "ge" :comparator "i;ascii-numeric" "date" "hours" "3" {
    score :rule "DATE_IN_FUTURE_03_12" "2";
  }

  # The subject.
  if header :comparator "i;octet" :regex "subject" "^[^a-z]*[A-Z]{5}[^a-z]*$" {
    score :rule "SUBJECT_ALL_CAPS" "3";
  }
  if header :regex "subject" "\\$[0-9]" {
    score :rule "SUBJECT_PRICE" "2.5";
  }
  # A time of day in the subject (9/20/02 11:34:52 PM), as bulk tools
  # stamp each run.
  if header :regex "subject" "[0-9]{1,2}:[0-9]{2}:[0-9]{2}" {
    score :rule "SUBJECT_HAS_TIME" "2.5";
  }
  # A number far after the subject, as bulk mailers tag each run.
  if header :regex "subject" "[ \\t]{3,}[0-9][0-9.]*$" {
    score :rule "SUBJECT_TRAILING_NUMBER" "3";
  }
  if header :contains "subject" "!!!" {
    score :rule "SUBJECT_EXCLAIMS" "1.5";
  }
  if header :regex "subject" "^[[(]?adv?[])]?[: ]" {
    score :rule "SUBJECT_ADV" "3";
  }
  # Charset tricks: Latin letters beside Cyrillic or Greek look-alikes in
  # one word ("Pаypal" with a Cyrillic а), and subjects in a script far
  # from this site's mail (CJK, Hangul) — header tests see the subject
  # decoded (RFC 2047), not the encoded word's charset label. Both need a
  # character outside ASCII (none of these letters has an ASCII one as its
  # other case), so they are tried only on a subject with an octet of 0x80
  # or more: one quick search, where the caseless Unicode classes cost
  # some 60 instructions an octet of every subject.
  if header :comparator "i;octet" :regex "subject" "[\\x80-\\xff]" {
    if header :comparator "i;unicode-casemap" :regex "subject"
              "[a-z][\\x{0370}-\\x{03ff}\\x{0400}-\\x{04ff}]|[\\x{0370}-\\x{03ff}\\x{0400}-\\x{04ff}][a-z]" {
      score :rule "SUBJECT_MIXED_SCRIPT" "2";
    }
    if header :comparator "i;unicode-casemap" :regex "subject"
              "[\\x{3040}-\\x{30ff}\\x{3400}-\\x{4dbf}\\x{4e00}-\\x{9fff}\\x{ac00}-\\x{d7af}]" {
      score :rule "SUBJECT_FARAWAY_SCRIPT" "3";
    }
  }
  if anyof (body :content "text/html" :regex "charset=[\"']?(ks_c_5601-1987|euc-kr|gb2312|gbk|gb18030|big5|iso-2022-jp|iso-2022-kr|shift_jis|euc-jp|koi8-r|windows-1251)\\b",
            header :mime :anychild :param "charset" :is "content-type"
            ["ks_c_5601-1987", "euc-kr", "gb2312", "gbk", "gb18030", "big5", "iso-2022-jp", "iso-2022-kr",
             "shift_jis", "euc-jp", "koi8-r", "windows-1251"]) {
    score :rule "CHARSET_FARAWAY" "2";
  }
  # The same charsets as the label of an RFC 2047 encoded word in the
  # subject or an address field (=?ks_c_5601-1987?B?...?=), which header
  # tests see decoded (vnd.sift.charset; SpamAssassin's
  # CHARSET_FARAWAY_HEADER).
  if charset ["subject", "from", "to", "cc", "reply-to"]
             ["ks_c_5601-1987", "euc-kr", "gb2312", "gbk", "gb18030", "big5", "iso-2022-jp", "iso-2022-kr",
              "shift_jis", "euc-jp", "koi8-r", "windows-1251"] {
    score :rule "CHARSET_FARAWAY_HEADER" "3";
  }

  # The senders and recipients.
  # A display name holding an address: "support@bank.example" <x@y>.
  if header :regex "from" "^[^<]*@[^<]*<" {
    score :rule "FROM_NAME_HAS_ADDRESS" "1";
  }
  # An RFC 2047 encoded word as the From address itself
  # (=?iso-2022-jp?B?...?=@host): RFC 2047 §5 allows them only in names.
  if address :localpart :matches "from" "=?*?=" {
    score :rule "FROM_ADDRESS_ENCODED" "2.5";
  }
  # A From local part that ends in digits, as address generators make
  # them (kelli658@, sandir1460f46@).
  if address :localpart :regex "from" "[a-z][0-9]{3,}[a-z0-9]*$" {
    score :rule "FROM_LOCALPART_DIGITS" "2";
  }
  if address :domain :is "from" ["hotmail.com", "yahoo.com", "excite.com", "lycos.com", "aol.com", "msn.com"] {
    score :rule "FREEMAIL_FROM" "1.5";
  }
  if header :contains "to" "undisclosed" {
    score :rule "TO_UNDISCLOSED" "3";
  }
  # Mail From the recipient's own address that is not authenticated for
  # that address's domain: spammers forge it.
  if envelope :user :matches "to" "*" {
    set "rcpt_user" "${1}";
  }
  if envelope :domain :matches "to" "*" {
    set "rcpt_domain" "${1}";
  }
  if allof (address :user :is "from" "${rcpt_user}",
            address :domain :is "from" "${rcpt_domain}",
            not anyof (authres :method "dmarc" "pass",
                       authres :method ["dkim", "spf"] :aligned "pass")) {
    score :rule "FROM_RECIPIENT_UNAUTHENTICATED" "2.5";
  }
  # Authentication failures, from trusted Authentication-Results only.
  if authres :method "spf" "fail" {
    score :rule "SPF_FAIL" "1.5";
  }
  if authres :method "dkim" "fail" {
    score :rule "DKIM_FAIL" "1.5";
  }
  if authres :method "dmarc" "fail" {
    score :rule "DMARC_FAIL" "2";
  }
  if header :is "X-Priority" ["1", "1 (Highest)"] {
    score :rule "PRIORITY_HIGHEST" "3";
  }

  # The body's form.
  # "Content-Type: text/plain;" and nothing after the ';': bulk-mail
  # software, not a mail program.
  if header :regex "content-type" ";[ \\t]*$" {
    score :rule "CONTENT_TYPE_EMPTY_PARAMETER" "2.5";
  }
  if allof (body :content "text/html" :contains "", not body :content "text/plain" :contains "") {
    score :rule "HTML_ONLY" "3.5";
  }
  # HTML written into a text/plain part: mail programs send HTML as
  # text/html; bulk tools that paste it into plain text do not.
  if body :content "text/plain" :regex "<(a\\s+href|html>|font\\s|table)" {
    score :rule "HTML_IN_PLAIN_TEXT" "1.5";
  }
  # Text sent in base64: mail programs write text as it is or
  # quoted-printable; base64 text hides words from simple filters.
  foreverypart {
    if allof (header :mime :type "content-type" "text",
              header :mime :is "content-transfer-encoding" "base64") {
      score :rule "TEXT_IN_BASE64" "3";
      break;
    }
  }
  # The links (vnd.sift.link: every <a href> of the HTML and every URL in
  # the text, with the text shown for it). One a mail client will not open
  # as written (http//host, http:/host, http://.host):
  if link :trait "malformed" {
    score :rule "MALFORMED_LINK" "2";
  }
  # A URL to a bare IP address, anywhere in the message (images too), or a
  # link to one in the numeric forms browsers accept (http://3232235777/).
  # The pattern is tried only on a body that holds "://": an octet search
  # that skips base64 (it has no ':'), where the pattern stops at every h.
  if anyof (allof (body :raw :comparator "i;octet" :contains "://",
                   body :raw :regex "https?://\\[?[0-9]{1,3}(\\.[0-9]{1,3}){3}"),
            link :trait "ip") {
    score :rule "IP_LITERAL_LINK" "3";
  }
  # A link whose text shows a host of another registered domain than the
  # one it opens: <a href="http://evil.example/">www.pay<b>pal</b>.com</a>.
  if link :trait "mismatch" {
    score :rule "LINK_TEXT_MISMATCH" "2.5";
  }
  # A link whose text says a brand ("PayPal", "eBay", or its domain) and
  # opens another domain (rspamd's PHISHING, with a list of domains).
  if link :brand ["paypal.com", "ebay.com", "amazon.com", "apple.com", "microsoft.com", "google.com",
                  "bankofamerica.com", "chase.com", "wellsfargo.com", "citibank.com", "americanexpress.com",
                  "visa.com", "mastercard.com", "dhl.com", "fedex.com", "ups.com"] {
    score :rule "LINK_BRAND_MISMATCH" "2";
  }
  # A user name before the host (http://www.bank.example@evil.example/),
  # %-escapes in the host, a port other than 80 and 443 (SpamAssassin's
  # HTTP_USERNAME_USED, HTTP_ESCAPED_HOST, WEIRD_PORT).
  if link :trait "userinfo" {
    score :rule "LINK_USERNAME_USED" "2.5";
  }
  if link :trait "encoded" {
    score :rule "LINK_ESCAPED_HOST" "2";
  }
  if link :trait "port" {
    score :rule "LINK_WEIRD_PORT" "2";
  }
  # What the parse could not read as written (docs/MESSAGE.md): broken
  # MIME and transfer encodings that mail programs do not write.
  if defect :is ["header_line_malformed", "mime_boundary_missing", "mime_boundary_not_found",
                 "mime_close_delimiter_missing", "base64_character_invalid", "base64_padding_malformed",
                 "quoted_printable_escape_malformed"] {
    score :rule "MESSAGE_DEFECTS" "3";
  }

  # The body's words, as a reader sees them (body :text: decoded, HTML
  # reduced to its text). Phrases are :contains lists, not regular
  # expressions: a substring search per phrase costs microseconds and
  # nothing of the run's regex time budget (run_options::regex_time_budget,
  # 50 ms for all of a run's matches), which a long message under load
  # would use up with many caseless alternations.
  if body :text :contains ["verify your account", "verify your identity", "verify your information",
                           "verify your details", "confirm your account", "confirm your password",
                           "confirm your identity", "confirm your details", "confirm your billing",
                           "account has been suspended", "account will be suspended", "account has been locked",
                           "account has been limited", "account has been disabled", "account will be closed",
                           "update your billing information", "update your payment information",
                           "update your account information", "unusual sign-in activity", "unusual login activity"] {
    score :rule "PHISHING_WORDING" "2.5";
  }
  if body :text :contains "click here" {
    score :rule "CLICK_HERE" "3.5";
  }
  if body :text :contains ["to be removed", "remove me", "be removed from", "to remove your", "removal instructions",
                           "remove in the subject", "\"remove\" in the subject", "with remove", "with \"remove\"",
                           "for removal", "from future mailings", "from future emails", "from future e-mails",
                           "from future offers", "do not wish to receive", "don't wish to receive"] {
    score :rule "REMOVE_INSTRUCTIONS" "3";
  }
  if body :text :contains ["100% free", "100%free", "100 % free", "absolutely free", "risk free", "risk-free", "no risk",
                           "for only $", "free quote", "free consultation", "free info", "free sample", "free report"] {
    score :rule "FREE_OFFER" "3.5";
  }
  if body :text :contains ["this is not spam", "this is not a spam", "not unsolicited", "in compliance with",
                           "s.1618", "s. 1618", "s 1618", "s1618"] {
    score :rule "CLAIMS_NOT_SPAM" "3";
  }
  if body :text :contains ["act now", "limited time", "order now", "order today", "buy now", "shop now", "call now",
                           "don't delay", "while supplies last", "no obligation"] {
    score :rule "URGENCY" "3";
  }
  # Advance-fee fraud ("419"): a fortune to move, a share for helping.
  # The pattern begins with the literal "us" (not "(us ?\$|usd)", the same
  # strings) so that PCRE2 tries it only where "us" is (docs/EXTENSIONS.md, regex).
  if anyof (body :text :contains ["this transaction", "the sum of", "united states dollars", "next of kin",
                                  "of nigeria", "strictly confidential", "million us dollars",
                                  "million united states dollars"],
            allof (body :text :contains "million",
                   body :text :regex "us(?: ?\\$|d) ?[0-9]+(\\.[0-9]+)? ?million")) {
    score :rule "ADVANCE_FEE" "3";
  }
  if body :text :contains ["special offer", "exclusive offer", "offer expires", "free gift", "free trial",
                           "claim your prize", "claim your gift", "claim your free", "why pay more", "lowest price",
                           "best price", "low price"] {
    score :rule "SPECIAL_OFFER" "2.5";
  }
  # Three lines in a row shouting: no lower-case letter, two capital words
  # of 3+ letters side by side (BUY NOW), each line read once (possessive);
  # tried at line starts only ((?m)^, LF lines), not at every octet.
  if body :text :comparator "i;octet" :regex "(*LF)(?m)^(?=[^a-z\\n]*[A-Z]{3}[^A-Za-z\\n]+[A-Z]{3})[^a-z\\n]*+(?:\\n(?=[^a-z\\n]*[A-Z]{3}[^A-Za-z\\n]+[A-Z]{3})[^a-z\\n]*+){2}" {
    score :rule "BODY_SHOUTING" "2.5";
  }
  if anyof (body :text :contains ["toll free", "toll-free"],
            allof (body :text :contains ["18", "1-8"], body :text :regex "1-?8(00|88|77|66)-?[0-9]{3}-?[0-9]{4}")) {
    score :rule "TOLL_FREE_NUMBER" "3";
  }
  if body :text :contains ["jackpot", "poker", "casino"] {
    score :rule "GAMBLING" "2";
  }
  if body :text :contains ["dear friend", "dear sir", "dear madam"] {
    score :rule "DEAR_FRIEND" "2.5";
  }
  if body :text :contains ["mortgage", "refinanc", "lowest rate"] {
    score :rule "MORTGAGE" "3";
  }
  if anyof (body :text :contains ["viagra", "online pharmacy", "weight loss", "lose weight"],
            allof (body :text :contains "lose ", body :text :regex "lose [0-9]+.{0,12}(lbs|pounds)")) {
    score :rule "PHARMACY" "3";
  }
  if body :text :contains ["extra income", "additional income", "work from home", "make money", "make you money",
                           "make any money", "earn $", "grow rich", "get rich", "be your own boss", "financial freedom",
                           "financial independence", "business opportunity", "home business", "amazing opportunity"] {
    score :rule "MONEY_MAKING" "2";
  }
  # GTUBE, the test string every spam filter scores as spam: 1000, as
  # SpamAssassin does.
  if body :text :contains "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X" {
    score :rule "GTUBE" "1000";
  }
}

# Far above the threshold (spam.reject_threshold, 15): refused (a refused
# message gets no header fields: it is not delivered).
if score :value "ge" "${reject_threshold}" {
  ereject "message refused as spam";
  stop;
}

# The score header fields, SpamAssassin's, on every message delivered:
# added here, before any folder is chosen, since a folder chosen in this
# script ends the sequence (the user's script and after.sieve do not run).
# The score is the spam total of the rules above; tests= their names,
# sorted, or "none". Fields of these names already in the message were
# written by someone else, perhaps to pass for a verdict: removed first.
deleteheader "X-Spam-Score";
deleteheader "X-Spam-Status";
deleteheader "X-Spam-Flag";
deleteheader "X-Spam-Level";
set "total" "0";
if score :comparator "i;octet" :matches "*" {
  set "total" "${1}";
}
set "tests" "none";
if score :rules :matches "?*" {
  set "tests" "${0}";
}
set "spam" "No";
if anyof (string :is "${quarantine}" "yes", score :value "ge" "${spam_threshold}") {
  set "spam" "Yes";
}
# A submission was not scored: it gets no score fields (forged ones are
# removed all the same).
if string :is "${submission}" "no" {
  addheader "X-Spam-Score" "${total}";
  addheader "X-Spam-Status" "${spam}, score=${total} required=${spam_threshold} tests=${tests}";
}

# At or above the threshold (spam.threshold, 5 as SpamAssassin's
# required_score), or DMARC quarantine (above): to Spam.
if string :is "${spam}" "Yes" {
  addheader "X-Spam-Flag" "YES";
  fileinto "${spam_folder}";
  stop;
}

# The user's auto-reply (sift vacation; docs/POLICY.md "Auto-reply"): the
# runner gives its items only inside its dates and weekdays, for a sender
# not excluded, and when the user's own script has no responder of its
# own. Here, after the rules above, so that spam and refused mail get no
# reply; vacation itself answers no list, bulk or auto-generated mail and
# not the null sender (RFC 3834), and one sender once in 7 days.
if environment :is "vnd.sift.vacation" "on" {
  set "vacation_message" "";
  if environment :matches "vnd.sift.vacation.message" "*" { set "vacation_message" "${1}"; }
  if environment :matches "vnd.sift.vacation.subject" "*" {
    set "vacation_subject" "${1}";
    if environment :matches "vnd.sift.vacation.from" "*" {
      vacation :days 7 :subject "${vacation_subject}" :from "${1}" "${vacation_message}";
    } else {
      vacation :days 7 :subject "${vacation_subject}" "${vacation_message}";
    }
  } elsif environment :matches "vnd.sift.vacation.from" "*" {
    vacation :days 7 :from "${1}" "${vacation_message}";
  } else {
    vacation :days 7 "${vacation_message}";
  }
}
