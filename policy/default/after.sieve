# Sift's default policy, the part that runs after the user's own script,
# only when it left the message to the implicit keep (docs/POLICY.md).
require ["fileinto"];

# Social networks' notifications: their sender domains (and their
# subdomains) ...
if address :domain :is "from" ["facebookmail.com", "linkedin.com",
                                "x.com", "twitter.com", "instagram.com",
                                "pinterest.com", "tiktok.com", "reddit.com",
                                "mastodon.social"] {
  fileinto "Social";
  stop;
}
if address :domain :matches "from" ["*.facebookmail.com", "*.linkedin.com",
                                     "*.x.com", "*.twitter.com", "*.instagram.com",
                                     "*.pinterest.com", "*.tiktok.com",
                                     "*.reddit.com"] {
  fileinto "Social";
  stop;
}

# ... then newsletters and marketing: the headers bulk senders write
# (RFC 2369 List-Unsubscribe, RFC 2919 List-Id, Precedence, Feedback-ID).
# (`exists` with several names is true only when all exist: one each.)
if anyof (exists "List-Unsubscribe", exists "List-Id", exists "Feedback-ID",
          header :is "Precedence" ["bulk", "list"]) {
  fileinto "Promotions";
}
