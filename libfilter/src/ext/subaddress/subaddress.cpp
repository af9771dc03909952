// RFC 5233 §4: subaddress.
//
//   ADDRESS-PART =/ ":user" / ":detail"   (address and envelope tests)
//
// "user+detail": ":user" is the part before the separator, ":detail" the
// part after it. Without a separator ":user" is the whole local part and
// ":detail" has no value, so it matches no key at all (not even "" or
// "*"); "user+" has the empty detail "". Only the first separator splits:
// "a+b+c" is user "a", detail "b+c". The separator characters come from
// eval_limits::recipient_delimiters (default "+"); when it names several,
// the first one present in the local part splits (as Pigeonhole and
// Postfix do).
#include "ext/subaddress/subaddress.hpp"

#include "ext/extension.hpp"
#include "validate/registry.hpp"

namespace sift::ext {

// The first delimiter is found by a loop over the (short) set for each
// character of the local part: find_first_of calls memchr on the set for
// each, several times the cost for the usual one-character set.
subaddress split_subaddress(std::string_view local_part, std::string_view delimiters) {
    auto is_delimiter = [&](char c) {
        for (char d : delimiters)
            if (c == d) return true;
        return false;
    };
    for (std::size_t at = 0; at < local_part.size(); ++at)
        if (is_delimiter(local_part[at])) return {local_part.substr(0, at), local_part.substr(at + 1)};
    return {local_part, std::nullopt};
}

namespace {

bool user_of(std::string_view local_part, std::string_view, std::string_view delimiters, std::string& out) {
    out = split_subaddress(local_part, delimiters).user;
    return true;
}

bool detail_of(std::string_view local_part, std::string_view, std::string_view delimiters, std::string& out) {
    auto detail = split_subaddress(local_part, delimiters).detail;
    if (detail) out = *detail;
    return detail.has_value();
}

constexpr vm::address_part_ops user_ops{.name = "user", .extract = user_of};
constexpr vm::address_part_ops detail_ops{.name = "detail", .extract = detail_of};

}  // namespace

void register_subaddress(validate::registry& r) {
    r.add(validate::capability_def{"subaddress"});
    r.add(validate::tag_def{.name = "user",
                            .group = "address-part",
                            .capability = "subaddress",
                            .value = std::uint8_t(part_user),
                            .address_part = &user_ops});
    r.add(validate::tag_def{.name = "detail",
                            .group = "address-part",
                            .capability = "subaddress",
                            .value = std::uint8_t(part_detail),
                            .address_part = &detail_ops});
}

}  // namespace sift::ext

namespace sift::ext {

extern const descriptor subaddress_extension{.name = "subaddress", .add = register_subaddress};

}  // namespace sift::ext
