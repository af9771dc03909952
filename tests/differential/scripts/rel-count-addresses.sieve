require ["relational", "comparator-i;ascii-numeric", "fileinto", "envelope", "subaddress"];
# RFC 5231 4.2: :count of addresses, with empty headers, invalid addresses and address parts.
if address :count "eq" :comparator "i;ascii-numeric" "resent-from" "1" { fileinto "invalid-all-1"; }
if address :count "eq" :comparator "i;ascii-numeric" :localpart "resent-from" "1" { fileinto "invalid-local-1"; }
if address :count "eq" :comparator "i;ascii-numeric" :localpart "resent-from" "0" { fileinto "invalid-local-0"; }
if address :count "eq" :comparator "i;ascii-numeric" :detail "to" "1" { fileinto "detail-1"; }
if address :count "eq" :comparator "i;ascii-numeric" :detail "to" "3" { fileinto "detail-3"; }
if envelope :count "eq" :comparator "i;ascii-numeric" "from" "1" { fileinto "env-from-1"; }
if envelope :count "eq" :comparator "i;ascii-numeric" "from" "0" { fileinto "env-from-0"; }
if address :count "eq" :comparator "i;ascii-numeric" "cc" "3" { fileinto "cc-3"; }
if address :count "eq" :comparator "i;ascii-numeric" "cc" "4" { fileinto "cc-4"; }
