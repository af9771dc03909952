// Producing header text for messages Sift writes or edits (vacation
// replies, notifications, addheader): RFC 2047 encoded words for non-ASCII
// text, folded so lines stay within RFC 5322's 78 octets.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace sift::mail {

// Words joined by spaces, folded (CRLF SP) before a word that would pass
// 78 octets; `used` is how much of the first line is taken already (the
// field name and ": ").
std::string fold_words(const std::vector<std::string>& words, std::size_t used);

// UTF-8 text as "=?utf-8?b?...?=" words of at most 45 octets each (never
// splitting a character, so each stays within RFC 2047's 75), folded.
std::string encode_words(std::string_view utf8, std::size_t used);

// `text` as a header value: as it is when ASCII, else encode_words().
std::string header_text(std::string_view text, std::size_t used);

}  // namespace sift::mail
