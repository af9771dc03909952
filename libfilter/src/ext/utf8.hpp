// UTF-8 helpers shared by the capabilities that check or produce text.
#pragma once

#include "mail/decode.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace sift::ext {

// Well-formed UTF-8 (RFC 3629): no overlongs, no surrogates, <= U+10FFFF.
inline bool valid_utf8(std::string_view s) {
    return mail::is_valid_utf8(s);
}

// Appends the UTF-8 encoding of `cp` (which must be a Unicode scalar value).
void append_utf8(std::string& out, std::uint32_t cp);

}  // namespace sift::ext
