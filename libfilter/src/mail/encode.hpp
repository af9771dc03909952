// Producing text for messages Sift writes or edits (vacation replies,
// notifications, addheader, replace and enclose): RFC 2047 encoded words for
// non-ASCII header text, folded so lines stay within RFC 5322's 78 octets,
// and RFC 2045 text entities.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sift::mail {

// Words joined by spaces, folded (CRLF SP) before a word that would pass
// 78 octets; `used` is how much of the first line is taken already (the
// field name and ": ").
std::string fold_words(const std::vector<std::string>& words, std::size_t used);

// UTF-8 text as "=?utf-8?b?...?=" words of at most 45 octets each (never
// splitting a character, so each stays within RFC 2047's 75), folded; the
// first is shorter when `used` leaves less room on its line.
std::string encode_words(std::string_view utf8, std::size_t used);

// `text` as a header value: as it is when ASCII, else encode_words().
std::string header_text(std::string_view text, std::size_t used);
// The same, appended to `out`.
void append_header_text(std::string& out, std::string_view text, std::size_t used);

// `text` with CR and LF turned into spaces: script text that becomes a
// header field value would otherwise start a new field.
std::string one_line(std::string_view text);

// At most `max` characters (code points) of UTF-8 `text`, the last one an
// ellipsis when it was longer (0: no limit). Subjects of replies and
// notifications are summaries.
std::string cut_characters(std::string_view text, std::size_t max);

// Text in CRLF lines: a bare CR, a bare LF and CR LF each become CR LF.
std::string crlf(std::string_view text);
// Text in CRLF lines with every CR LF turned into `eol` ("\r\n" or "\n"),
// so what Sift writes into a message matches the message's own line ends.
std::string with_eol(std::string crlf_text, std::string_view eol);
// The line end a message uses: that of its first line, CR LF without one.
std::string_view eol_of(std::string_view raw);

// RFC 2045 §6.8 base64 of `octets`, in lines of 76 characters, each line
// (the last too) ended by CRLF: a base64 body as mail clients write it.
std::string base64_lines(std::string_view octets);

// RFC 2045 §6.7 quoted-printable of text already in CRLF lines.
std::string quoted_printable(std::string_view crlf_text);

// A text/plain UTF-8 MIME entity (RFC 2045 §2.4) holding `utf8`: the
// fields Content-Type: text/plain; charset=utf-8 and
// Content-Transfer-Encoding (7bit when the text is ASCII in lines of at
// most 998 octets, else quoted-printable), an empty line, and the text in
// CRLF lines ending in a line break.
std::string text_entity(std::string_view utf8);

// True when `text` looks like a MIME entity (RFC 2045 §2.4): header fields
// (at least one Content- field), an empty line, then the body.
bool is_mime_entity(std::string_view text);

// RFC 5322 §3.3 date-time, in UTC ("Mon, 23 Nov 2026 07:00:00 +0000").
std::string rfc5322_date(std::int64_t seconds_since_epoch);

// "Name" <addr>, or <addr> without a name, for an address field; a name
// that is not ASCII becomes encoded words (RFC 2047 §5(3)). `used` as for
// fold_words.
std::string mailbox_field(std::string_view display_name, std::string_view addr, std::size_t used);

// A Message-ID (RFC 5322 §3.6.4) for a message Sift writes:
// "<sift-KIND.SECONDS.RANDOM@DOMAIN>", 64 random bits so that two made in
// the same second differ; DOMAIN "localhost" when empty.
std::string message_id(std::string_view kind, std::string_view domain, std::int64_t seconds_since_epoch);

}  // namespace sift::mail
