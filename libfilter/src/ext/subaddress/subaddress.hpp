// RFC 5233: the :user and :detail address parts.
#pragma once

#include <optional>
#include <string_view>

namespace sift::ext {

struct subaddress {
    std::string_view user;
    std::optional<std::string_view> detail;  // none: no delimiter in the local part
};

// Splits a local part at the first of `delimiters` it holds (RFC 5233 §4).
subaddress split_subaddress(std::string_view local_part, std::string_view delimiters);

}  // namespace sift::ext
