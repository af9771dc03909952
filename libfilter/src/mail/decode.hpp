// Decoders shared by the header index, the address parser and MIME:
// unfolding (RFC 5322 §2.2.3), encoded words (RFC 2047, with the RFC 2231
// §5 language suffix), base64 and quoted-printable (RFC 2045 §6.7, §6.8)
// and charset conversion to UTF-8 (glibc iconv). All are best effort: bad
// input is passed through or replaced by U+FFFD, never an error.
#pragma once

#include <string>
#include <string_view>

namespace sift::mail {

// Line breaks (CRLF or bare LF; stray CRs too) removed, so "a\r\n b" becomes
// "a b"; then leading and trailing SP/HTAB removed. The scratch overload
// returns a view into `value` when nothing but trimming is needed and into
// `scratch` otherwise, so the common case allocates nothing.
std::string unfold(std::string_view value);
std::string_view unfold(std::string_view value, std::string& scratch);

// unfold() then decode_encoded_words().
std::string decode_header(std::string_view value);
std::string_view decode_header(std::string_view value, std::string& scratch);

// RFC 2047 encoded words ("=?charset?B|Q?text?=") decoded to UTF-8. Lenient
// where mailers are sloppy (words glued to other text are decoded; charset
// and encoding letters are case-insensitive; a UTF-8 sequence split over
// adjacent words of one charset is joined), strict where a guess would be
// wrong: a word with whitespace inside, an unknown encoding letter or a bad
// base64 alphabet is left as written. Whitespace between two adjacent
// encoded words is dropped (§6.2). Text outside words is kept byte for byte.
std::string decode_encoded_words(std::string_view text);

// Base64, skipping anything outside the alphabet (line breaks, junk); a
// padding '=' ends a quantum, so concatenated encodings decode too.
void append_base64_decoded(std::string_view in, std::string& out);
// Quoted-printable body text: soft line breaks joined, "=XX" (either case)
// decoded, a malformed '=' kept as written, trailing whitespace of each line
// dropped (rule 3), line endings kept as they are in the source.
void append_qp_decoded(std::string_view in, std::string& out);

// `bytes` in `charset` converted to UTF-8. UTF-8 and US-ASCII are only
// validated (8-bit text labelled US-ASCII is common and usually UTF-8). An
// unknown charset leaves the bytes as they are. Whatever is not valid in
// the end becomes U+FFFD.
std::string to_utf8(std::string_view bytes, std::string_view charset);
void append_utf8(std::string_view bytes, std::string_view charset, std::string& out);
// Valid UTF-8 copied; each byte that does not start a valid sequence
// becomes U+FFFD.
void append_valid_utf8(std::string_view bytes, std::string& out);
bool is_valid_utf8(std::string_view bytes) noexcept;

// Percent-decoding of RFC 2231 extended values ("%E2%82%AC").
void append_percent_decoded(std::string_view in, std::string& out);

}  // namespace sift::mail
