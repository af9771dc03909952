require ["subaddress", "envelope", "fileinto"];
# RFC 5233 4
if address :user "to" "anna" { fileinto "to-user-anna"; }
if address :detail "to" "lists" { fileinto "to-detail-lists"; }
if address :detail "to" "" { fileinto "to-empty-detail"; }
if address :user "to" "carol" { fileinto "to-user-carol"; }
if address :detail "cc" "a+b" { fileinto "cc-detail-multi"; }
if address :user "cc" "dave" { fileinto "cc-user-dave"; }
if address :detail :matches "from" "*" { fileinto "from-detail-any"; }
if address :user "from" "stephan" { fileinto "from-user"; }
if envelope :user "to" "bob" { fileinto "env-user"; }
if envelope :detail "to" "box" { fileinto "env-detail"; }
if envelope :detail "to" "" { fileinto "env-empty-detail"; }
if envelope :detail :matches "to" "*" { fileinto "env-has-detail"; }
if envelope :user "from" "list" { fileinto "env-from-user"; }
if envelope :detail "from" "request" { fileinto "env-from-detail"; }
