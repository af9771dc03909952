require ["regex", "variables", "fileinto", "envelope"];
# draft-ietf-sieve-regex-01
if address :regex :comparator "i;ascii-casemap" "from" ["stephan(\\+.*)?@it\\.example\\.com", "stephan(\\+.*)?@friep\\.example\\.com"] { fileinto "draft-example"; }
if header :regex "from" "^Stephan <([a-z]+)\\+([a-z]+)@([^>]*)>$" { fileinto "groups-${1}-${2}-${3}"; }
if header :regex "subject" "K.ln: (T.ST) ([0-9]+)" { fileinto "zero-${0}|one-${1}|two-${2}"; }
if header :regex :comparator "i;octet" "x-name" "^bob" { fileinto "octet-case-wrong"; }
if header :regex "x-name" "^bob" { fileinto "casemap-case"; }
if header :regex "cc" [".*\\.nl", ".*\\.uk"] { fileinto "no-match-wrong"; }
if address :regex "to" ["^carol\\+$", "^anna"] { fileinto "address-any"; }
if address :regex :localpart "to" "^[a-z]+\\+$" { fileinto "localpart"; }
if envelope :regex "to" "^recipient@" { fileinto "envelope"; }
if header :regex "x-missing" ".*" { fileinto "missing-wrong"; }
if header :regex "x-empty" "^$" { fileinto "empty-value"; }
if string :regex "abc" "(x)?(b)" { fileinto "unset-[${1}]-${2}"; }
if string :regex "frop:frup" "(fr.p):(.*)" { fileinto "string-${2}"; }
