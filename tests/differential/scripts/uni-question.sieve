require ["comparator-i;unicode-casemap", "fileinto"];
# '?' is one character, not one octet.
if header :matches :comparator "i;unicode-casemap" "Subject" "GR??E AUS K?LN: *" { fileinto "chars"; }
if header :matches :comparator "i;unicode-casemap" "Subject" "GR????E *" { fileinto "octets-wrong"; }
