// RFC 4790 §9.1: i;ascii-numeric. "The comparator ... interprets strings as
// decimal positive integers represented as US-ASCII digits ... The string is
// not required to consist only of digits: trailing non-digits are ignored
// ... a string that does not start with a digit represents positive
// infinity." It offers equality and ordering, no substring operation, so
// :contains and :matches (and :regex) with it are compile errors
// (comparator_def::substring = false; RFC 5228 §2.7.3).
#include "ext/comparator_ascii_numeric/ascii_numeric.hpp"

#include "ext/extension.hpp"
#include "validate/registry.hpp"

#include <algorithm>

namespace sift::ext {
namespace {

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// The significant digits of the leading number: "007x" -> "7", "000" -> "0".
std::string_view digits(std::string_view s) {
    auto end = std::find_if_not(s.begin(), s.end(), is_digit) - s.begin();
    auto n = s.substr(0, std::size_t(end));
    auto first = n.find_first_not_of('0');
    return first == std::string_view::npos ? n.substr(n.empty() ? 0 : n.size() - 1) : n.substr(first);
}

}  // namespace

int compare_ascii_numeric(std::string_view a, std::string_view b) {
    bool inf_a = a.empty() || !is_digit(a.front()), inf_b = b.empty() || !is_digit(b.front());
    if (inf_a || inf_b) return int(inf_a) - int(inf_b);
    auto da = digits(a), db = digits(b);
    if (da.size() != db.size()) return da.size() < db.size() ? -1 : 1;
    int c = da.compare(db);
    return c < 0 ? -1 : c > 0;
}

namespace {
constexpr vm::comparator_ops ops{.name = "i;ascii-numeric", .compare = compare_ascii_numeric};
}

void register_comparator_ascii_numeric(validate::registry& r) {
    r.add(validate::capability_def{"comparator-i;ascii-numeric"});
    r.add(validate::comparator_def{.name = ops.name,
                                   .id = comparator_ascii_numeric,
                                   .capability = "comparator-i;ascii-numeric",
                                   .substring = false,
                                   .ops = &ops});
}

}  // namespace sift::ext

namespace sift::ext {

extern const descriptor comparator_ascii_numeric_extension{.name = "comparator_ascii_numeric",
                                                           .add = register_comparator_ascii_numeric};

}  // namespace sift::ext
