# Sift's default policy, the part that runs after the user's own script,
# only when it left the message to the implicit keep (docs/POLICY.md).
# Social-network notifications and newsletters are scored (vnd.sift.score,
# categories "social" and "promotions"); a total at or above 3 files the
# message into the Social or Promotions folder, social first (a network's
# notifications are bulk mail too).
require ["fileinto", "vnd.sift.score", "vnd.sift.authres", "extlists",
         "environment", "variables", "relational",
         "comparator-i;ascii-numeric", "body"];

# Plus addressing (docs/POLICY.md): with the user's setting plus.folders
# on, mail to user+detail@domain goes to the folder the runner made of
# the detail (sift::plus_folder: no '/', no "..", no leading dot, at most
# 64 bytes), given as vnd.sift.plus.folder.
if environment :matches "vnd.sift.plus.folder" "*" {
  fileinto "${1}";
  stop;
}
set "social_folder" "Social";
set "promotions_folder" "Promotions";
if environment :matches "vnd.sift.folder.social" "*" { set "social_folder" "${1}"; }
if environment :matches "vnd.sift.folder.promotions" "*" { set "promotions_folder" "${1}"; }

# Each filter can be turned off per user (settings filter.social and
# filter.promotions, given as environment items).
set "social" "on";
if environment :is "vnd.sift.filter.social" "off" {
  set "social" "off";
}
set "promotions" "on";
if environment :is "vnd.sift.filter.promotions" "off" {
  set "promotions" "off";
}
# A sender on the user's or the site's allow list skips promotions, as it
# skips the spam rules in before.sieve: only when the message is
# authenticated for the sender's domain (variables do not carry from one
# script of the sequence to the next, so the test is made again).
if allof (string :is "${promotions}" "on",
          address :list "from" ["tag:sift,2026:user/allow", "tag:sift,2026:allow"],
          anyof (authres :method "dmarc" "pass",
                 authres :method ["dkim", "spf"] :aligned "pass")) {
  set "promotions" "allowed";
}

# Social networks' notifications: their sender domains (and their
# subdomains), and the header fields their notifications carry.
if string :is "${social}" "on" {
  if anyof (address :domain :is "from" ["facebookmail.com", "linkedin.com",
                                        "x.com", "twitter.com", "instagram.com",
                                        "pinterest.com", "tiktok.com", "reddit.com",
                                        "mastodon.social"],
            address :domain :matches "from" ["*.facebookmail.com", "*.linkedin.com",
                                             "*.x.com", "*.twitter.com", "*.instagram.com",
                                             "*.pinterest.com", "*.tiktok.com",
                                             "*.reddit.com"]) {
    score :category "social" :rule "SOCIAL_SENDER_DOMAIN" "3";
  }
  # (`exists` with several names is true only when all exist: one each.)
  if anyof (exists "X-Facebook-Notify", exists "X-LinkedIn-Class",
            exists "X-LinkedIn-Template") {
    score :category "social" :rule "SOCIAL_NETWORK_HEADER" "2";
  }
}

# Newsletters and marketing: the header fields bulk senders write, the
# bulk-mail services' own, and an unsubscribe link in the text.
if string :is "${promotions}" "on" {
  # RFC 2369; RFC 8058's one-click unsubscribing, which large mailbox
  # providers ask bulk senders for.
  if exists "List-Unsubscribe" {
    score :category "promotions" :rule "PROMO_LIST_UNSUBSCRIBE" "2";
  }
  if header :contains "List-Unsubscribe-Post" "List-Unsubscribe=One-Click" {
    score :category "promotions" :rule "PROMO_ONE_CLICK_UNSUBSCRIBE" "1";
  }
  # RFC 2919: any list, discussions too (see PROMO_DISCUSSION_LIST).
  if exists "List-Id" {
    score :category "promotions" :rule "PROMO_LIST_ID" "0.5";
  }
  if header :is "Precedence" "bulk" {
    score :category "promotions" :rule "PROMO_PRECEDENCE_BULK" "2";
  }
  # The campaign identifier of Google's feedback loop, which bulk senders
  # write.
  if anyof (exists "Feedback-ID", exists "X-Feedback-ID") {
    score :category "promotions" :rule "PROMO_FEEDBACK_ID" "1.5";
  }
  # Bulk-mail services' own fields: Mailgun, SendGrid, Mailchimp, Brevo
  # (Sendinblue), the Certified Senders Alliance's complaint address.
  if anyof (exists "X-Mailgun-Sid", exists "X-Mailgun-Tag", exists "X-Mailgun-Variables",
            exists "X-SG-EID", exists "X-MC-User", exists "X-Mailin-Campaign",
            exists "X-CSA-Complaints") {
    score :category "promotions" :rule "PROMO_ESP_HEADER" "2";
  }
  # A campaign's identifier (field names compare case-insensitively:
  # X-campaignid too).
  if anyof (exists "X-Campaign", exists "X-CampaignID", exists "X-Campaign-ID") {
    score :category "promotions" :rule "PROMO_CAMPAIGN_HEADER" "1.5";
  }
  if header :contains "X-Mailer" ["Mailchimp", "phpList", "MailPoet", "Sendy"] {
    score :category "promotions" :rule "PROMO_BULK_MAILER" "1.5";
  }
  if body :text :contains ["unsubscribe", "abbestellen", "abmelden",
                           "désabonner", "désinscrire"] {
    score :category "promotions" :rule "PROMO_UNSUBSCRIBE_LINK" "1";
  }
  # A list its readers write to (RFC 2369 List-Post other than "NO") is a
  # discussion, not marketing.
  if allof (exists "List-Post", not header :matches "List-Post" "NO*") {
    score :category "promotions" :rule "PROMO_DISCUSSION_LIST" "-3";
  }
}

if score :category "social" :value "ge" "3" {
  fileinto "${social_folder}";
  stop;
}
if score :category "promotions" :value "ge" "3" {
  fileinto "${promotions_folder}";
  stop;
}
