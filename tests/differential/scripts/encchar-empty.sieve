require ["encoded-character", "fileinto"];
# hex-pair-seq / unicode-hex-seq need at least one value (RFC 5228 2.4.2.4),
# so "${hex:}" and "${unicode:}" are not encodings and stay literal.
fileinto "A${hex:}B${unicode:}C";
