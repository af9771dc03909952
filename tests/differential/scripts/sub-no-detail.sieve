require ["subaddress", "fileinto"];
# RFC 5233 4: without a separator :detail matches no key, not even "" or "*".
if address :detail "to" "" { fileinto "empty-wrong"; }
if address :detail :matches "to" ["*", "?"] { fileinto "matches-wrong"; }
if address :detail :contains "to" "" { fileinto "contains-wrong"; }
if not address :detail :matches "to" "*" { fileinto "none"; }
if address :user "to" "bob" { fileinto "user-whole"; }
