// RFC 4790 §9.1 (RFC 5228 §2.7.3): the i;ascii-numeric comparator.
#pragma once

#include "vm/match.hpp"

#include <string_view>

namespace sift::validate {
class registry;
}

namespace sift::ext {

inline constexpr vm::comparator comparator_ascii_numeric{2};  // its bytecode id: never changes

// Orders strings by the decimal number their leading digits spell; a string
// without a leading digit is positive infinity, equal to every other such
// string. Numbers of any length compare exactly (no 64-bit overflow).
int compare_ascii_numeric(std::string_view a, std::string_view b);

}  // namespace sift::ext
