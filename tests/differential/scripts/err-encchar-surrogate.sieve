require ["encoded-character", "fileinto"];
# A surrogate code point is an error (RFC 5228 2.4.2.4).
fileinto "${unicode:D800}";
