require ["encoded-character", "fileinto"];
# Malformed encodings are left as they are (RFC 5228 2.4.2.4):
# "4G" is not hex, "c3a8" is not a sequence of 1-2 digit hex-pairs, the last
# one is unterminated.
fileinto "${hex:4G}${hex:c3a8}${unicode:41";
