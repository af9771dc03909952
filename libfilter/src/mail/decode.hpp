// Decoders shared by the header index, the address parser and MIME:
// unfolding (RFC 5322 §2.2.3), encoded words (RFC 2047, with the RFC 2231
// §5 language suffix), base64 and quoted-printable (RFC 2045 §6.7, §6.8)
// and charset conversion to UTF-8 (glibc iconv). All are best effort: bad
// input is passed through or replaced by U+FFFD, never an error.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

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
// The encoded words decode_encoded_words() would decode in `text`, in
// order: each word's charset label as written, without an RFC 2231
// "*language" suffix, and its encoding letter lower-cased ('b' or 'q').
// Words it leaves as written are not listed.
struct encoded_word_label {
    std::string_view charset;  // a view into `text`
    char encoding = 0;
};
std::vector<encoded_word_label> encoded_word_labels(std::string_view text);

// What a transfer decoder read that is not as RFC 2045 writes it: how
// often, and where the first was (a byte offset into the encoded text).
// The decoders below fill one when given it; mail::transfer_defects() turns
// it into the message defects base64_* and quoted_printable_*
// (mail/defect.hpp).
struct decode_issue {
    std::size_t count = 0;
    std::size_t first = 0;  // offset of the first one
    std::string_view why;   // what the first one was, for a human

    void note(std::size_t at, std::string_view what) {
        if (count++ == 0) {
            first = at;
            why = what;
        }
    }
};

struct decode_problems {
    decode_issue invalid_characters;  // base64: outside the alphabet, line breaks aside
    decode_issue bad_padding;         // base64: '=' not where §6.8 puts it, or missing
    decode_issue bad_escapes;         // quoted-printable: '=' neither "=XX" nor a soft break
    decode_issue long_lines;          // quoted-printable: over 76 characters (§6.7 rule 5)

    bool any() const {
        return invalid_characters.count + bad_padding.count + bad_escapes.count + long_lines.count > 0;
    }
};

// Base64, skipping anything outside the alphabet (line breaks, junk); a
// padding '=' ends a quantum, so concatenated encodings decode too. With
// `problems`: characters skipped other than CR and LF, and padding that is
// missing, too short or too long at the end, or followed by more data
// (where readers disagree on where the data ends: RFC 2045 §6.8 lets a
// '=' end it), or a lone symbol that carries no whole octet.
void append_base64_decoded(std::string_view in, std::string& out, decode_problems* problems = nullptr);
// Quoted-printable body text: soft line breaks joined, "=XX" (either case)
// decoded, a malformed '=' kept as written, trailing whitespace of each line
// dropped (rule 3), line endings kept as they are in the source. With
// `problems`: each malformed '=' and each line longer than 76 characters
// before its line break (rule 5).
void append_qp_decoded(std::string_view in, std::string& out, decode_problems* problems = nullptr);
// The same checks without decoding (nothing is allocated).
void check_base64(std::string_view in, decode_problems& problems);
void check_qp(std::string_view in, decode_problems& problems);

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
