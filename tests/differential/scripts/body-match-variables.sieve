require ["body", "variables", "fileinto"];
# body's keys read the match variables the last other test set (RFC 5229
# §3.2): "${1}" is the Subject's first word, not "" (which :contains
# always finds). body's own :matches sets none (RFC 5173 §6).
if header :matches "Subject" "* *" {
  if body :contains "${1}" { fileinto "contains-${1}"; } else { fileinto "lacks-${1}"; }
  if body :matches "Are * free*" { fileinto "after-body-${1}"; }
}
