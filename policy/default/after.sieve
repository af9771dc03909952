# Sift's default policy, the part that runs after the user's own script,
# only when it left the message to the implicit keep (docs/POLICY.md).
require ["fileinto", "environment", "variables"];

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

# Social networks' notifications: their sender domains (and their
# subdomains) ...
if allof (not environment :is "vnd.sift.filter.social" "off",
          address :domain :is "from" ["facebookmail.com", "linkedin.com",
                                "x.com", "twitter.com", "instagram.com",
                                "pinterest.com", "tiktok.com", "reddit.com",
                                "mastodon.social"]) {
  fileinto "${social_folder}";
  stop;
}
if allof (not environment :is "vnd.sift.filter.social" "off",
          address :domain :matches "from" ["*.facebookmail.com", "*.linkedin.com",
                                     "*.x.com", "*.twitter.com", "*.instagram.com",
                                     "*.pinterest.com", "*.tiktok.com",
                                     "*.reddit.com"]) {
  fileinto "${social_folder}";
  stop;
}

# ... then newsletters and marketing: the headers bulk senders write
# (RFC 2369 List-Unsubscribe, RFC 2919 List-Id, Precedence, Feedback-ID).
# (`exists` with several names is true only when all exist: one each.)
if allof (not environment :is "vnd.sift.filter.promotions" "off",
          anyof (exists "List-Unsubscribe", exists "List-Id", exists "Feedback-ID",
                 header :is "Precedence" ["bulk", "list"])) {
  fileinto "${promotions_folder}";
}
