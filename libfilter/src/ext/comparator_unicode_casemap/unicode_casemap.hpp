// RFC 5051: the i;unicode-casemap comparator.
#pragma once

#include "vm/match.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sift::ext {

inline constexpr vm::comparator comparator_unicode_casemap{3};  // its bytecode id: never changes

// The RFC 5051 §2 canonical form: every character titlecased (simple
// mapping) and then fully decomposed (compatibility decomposition), as
// UTF-8; two strings are equal under the comparator when their forms are
// equal octet for octet. With `origin`, origin[i] is the offset in `s` of
// the character that produced output byte i (and origin[size] = s.size()),
// so spans of the form map back to the input for match variables.
std::string unicode_casemap_fold(std::string_view s, std::vector<std::size_t>* origin = nullptr);

// Length of the character starting at folded[i]: a code point and the
// combining marks that follow it (what '?' of :matches stands for, one
// user-perceived character of the decomposed form).
std::size_t unicode_casemap_char_length(std::string_view folded, std::size_t i);

}  // namespace sift::ext
