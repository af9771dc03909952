// RFC 5233: the :user and :detail address parts.
#pragma once

#include "vm/match.hpp"

#include <optional>
#include <string_view>

namespace sift::ext {

// The :user and :detail address parts' ids (bytecode operands: they never
// change). Without a separator in the local part an address has no
// :detail (it matches no key, not even ""); "user+" has the detail "".
inline constexpr vm::address_part part_user{3};
inline constexpr vm::address_part part_detail{4};

struct subaddress {
    std::string_view user;
    std::optional<std::string_view> detail;  // none: no delimiter in the local part
};

// Splits a local part at the first of `delimiters` it holds (RFC 5233 §4).
subaddress split_subaddress(std::string_view local_part, std::string_view delimiters);

}  // namespace sift::ext
