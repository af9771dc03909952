require ["comparator-i;ascii-numeric", "fileinto"];
# RFC 4790 9.1.1: "" and "abc" both have no leading digit: both are positive infinity.
if header :is :comparator "i;ascii-numeric" "X-Empty" "abc" { fileinto "empty-is-abc"; }
if header :is :comparator "i;ascii-numeric" "X-Word" "" { fileinto "word-is-empty"; }
