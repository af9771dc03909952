require ["comparator-i;unicode-casemap", "fileinto"];
# RFC 5051
if header :contains :comparator "i;unicode-casemap" "X-A" "tèst" { fileinto "contains"; }
if header :matches :comparator "i;unicode-casemap" "X-A" "ThIs*with*tèsT" { fileinto "matches"; }
if header :is :comparator "i;unicode-casemap" "Subject" "GRÜSSE AUS KÖLN: TÈST 42" { fileinto "sharp-s-wrong"; }
if header :is :comparator "i;unicode-casemap" "Subject" "grüße aus köln: tèst 42" { fileinto "is"; }
if header :contains :comparator "i;unicode-casemap" "Subject" "KÖLN" { fileinto "koeln"; }
if header :contains :comparator "i;ascii-casemap" "Subject" "KÖLN" { fileinto "ascii-wrong"; }
