#include "vm/match.hpp"

#include "mail/header.hpp"

#include <algorithm>
#include <cstring>
#include <span>

namespace sift::vm {
namespace {

char fold(char c, comparator cmp) {
    if (cmp == comparator::ascii_casemap && c >= 'A' && c <= 'Z') return char(c - 'A' + 'a');
    return c;
}

bool same(char a, char b, comparator cmp) {
    return fold(a, cmp) == fold(b, cmp);
}

// The first n octets of a and b equal under i;ascii-casemap, an octet at
// a time: the rest of a :contains needle, where most candidates differ at
// once (mail::iequals' eight-octet steps cost more there, 2.81M -> 2.92M).
bool equal_casemap(const char* a, const char* b, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i)
        if (!same_casemap(a[i], b[i])) return false;
    return true;
}

// i;ascii-casemap :contains. The needle's first octet is looked for alone
// (memchr when it is no letter; otherwise both its cases in one test), and
// only there the rest compared: std::search with a folding predicate
// folded both octets at every step.
bool contains_casemap(std::string_view haystack, std::string_view needle) {
    if (needle.empty()) return true;
    if (needle.size() > haystack.size()) return false;
    auto first = static_cast<unsigned char>(fold(needle[0], comparator::ascii_casemap));
    const bool letter = first >= 'a' && first <= 'z';
    const char* p = haystack.data();
    const char* const last = p + (haystack.size() - needle.size());  // the last start that fits
    const char* rest = needle.data() + 1;
    const std::size_t rest_size = needle.size() - 1;
    while (p <= last) {
        if (letter) {
            if ((static_cast<unsigned char>(*p) | 0x20) != first) {
                ++p;
                continue;
            }
        } else {
            p = static_cast<const char*>(std::memchr(p, first, std::size_t(last - p) + 1));
            if (!p) return false;
        }
        if (equal_casemap(p + 1, rest, rest_size)) return true;
        ++p;
    }
    return false;
}

// Length of the character starting at `s[i]`. The comparator defines what
// a character is (RFC 5228 §2.7.1): for i;octet and i;ascii-casemap it is
// one octet (RFC 4790 §9.1, §9.2), as Pigeonhole also has it; a comparator
// that matches on a folded form (i;unicode-casemap) says its own.
std::size_t char_length(std::string_view s, std::size_t i, const comparator_ops* ops) {
    return ops && ops->char_length ? ops->char_length(s, i) : 1;
}

// A :matches pattern in a folding comparator's form: literal characters
// folded, wildcards kept, and any '*', '?', '\' the folding produced escaped.
std::string fold_pattern(std::string_view pattern, const comparator_ops& ops) {
    std::string out, literal;
    auto flush = [&] {
        for (char c : ops.fold(literal, nullptr)) {
            if (c == '*' || c == '?' || c == '\\') out += '\\';
            out += c;
        }
        literal.clear();
    };
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        char c = pattern[i];
        if (c == '*' || c == '?') {
            flush();
            out += c;
        } else if (c == '\\' && i + 1 < pattern.size()) {
            literal += pattern[++i];
        } else {
            literal += c;
        }
    }
    flush();
    return out;
}

// Two-pointer wildcard matching: on a mismatch, the last '*' takes one
// more character and matching resumes after it. That makes every '*' but
// the last as short as possible, the leftmost-shortest expansion RFC 5229
// §3.2 asks of match variables. O(|value| * |pattern|), no recursion.
// A folding comparator's values and pattern come folded; `ops` gives only
// its character length.
bool glob(std::string_view value, std::string_view pattern, comparator cmp, const comparator_ops* ops,
          std::vector<span>* captures) {
    constexpr auto none = std::string_view::npos;
    // "*" and a literal tail ("*.example.com", an octet comparator): the
    // tail must end the value and the star takes what is before it, which
    // is where the walk below comes to after trying every start.
    // "*" alone (a policy's `:matches "*"` that reads a value into ${1})
    // takes the whole value, which the walk below comes to after a capture
    // and a resize for the star (star_match).
    if (!ops)
        if (auto shape = shape_of(pattern); shape != glob_shape::other) {
            std::size_t at = 0;
            if (!star_match(value, pattern, shape, cmp, at)) return false;
            if (captures) captures->assign(1, span{0, at});
            return true;
        }
    std::vector<span> scratch;
    auto& caps = captures ? *captures : scratch;
    caps.clear();
    std::size_t v = 0, p = 0, k = 0;
    std::size_t star_p = none, star_k = 0, star_start = 0, star_v = 0;
    auto capture = [&](std::size_t index, std::size_t from, std::size_t to) {
        if (!captures) return;
        if (caps.size() <= index) caps.resize(index + 1);
        caps[index] = {from, to - from};
    };
    while (v < value.size()) {
        if (p < pattern.size()) {
            char pc = pattern[p];
            if (pc == '*') {
                capture(k, v, v);
                star_p = ++p;
                star_k = k++;
                star_start = star_v = v;
                continue;
            }
            if (pc == '?') {
                auto len = char_length(value, v, ops);
                capture(k++, v, v + len);
                v += len;
                ++p;
                continue;
            }
            if (pc == '\\' && p + 1 < pattern.size()) pc = pattern[++p];
            if (same(pc, value[v], cmp)) {
                ++v;
                ++p;
                continue;
            }
        }
        if (star_p == none) return false;
        // The last '*' ends the pattern: it takes the rest of the value
        // (what the steps below come to, one octet at a time).
        if (star_p == pattern.size() && !ops) {
            capture(star_k, star_start, value.size());
            v = value.size();
            p = star_p;
            k = star_k + 1;
            break;
        }
        star_v += char_length(value, star_v, ops);
        capture(star_k, star_start, star_v);
        v = star_v;
        p = star_p;
        k = star_k + 1;
    }
    for (; p < pattern.size() && pattern[p] == '*'; ++p) capture(k++, v, v);
    if (p != pattern.size()) return false;
    if (captures) caps.resize(k);
    return true;
}

int sign(int c) {
    return c < 0 ? -1 : c > 0;
}

}  // namespace

glob_shape shape_of(std::string_view pattern) {
    if (pattern == "*") return glob_shape::star;
    // The tail is checked in a plain loop: find_first_of with a set of
    // three calls memchr on the set for every character of the pattern.
    auto literal = [](std::string_view s) {
        return std::none_of(s.begin(), s.end(), [](char c) { return c == '*' || c == '?' || c == '\\'; });
    };
    if (pattern.size() > 1 && pattern[0] == '*' && literal(pattern.substr(1))) return glob_shape::star_tail;
    return glob_shape::other;
}

bool equal(std::string_view a, std::string_view b, comparator cmp, const comparator_ops* ops) {
    if (ops) return ops->fold ? ops->fold(a, nullptr) == ops->fold(b, nullptr) : ops->compare(a, b) == 0;
    if (a.size() != b.size()) return false;
    if (cmp != comparator::ascii_casemap) return a == b;
    return mail::iequals(a, b);  // i;ascii-casemap's equality, eight octets a step
}

bool contains(std::string_view haystack, std::string_view needle, comparator cmp, const comparator_ops* ops) {
    if (ops)
        return ops->fold &&
               ops->fold(haystack, nullptr).find(ops->fold(needle, nullptr)) != std::string::npos;
    if (cmp != comparator::ascii_casemap) return haystack.find(needle) != std::string_view::npos;
    return contains_casemap(haystack, needle);
}

bool glob_match(std::string_view value, std::string_view pattern, comparator cmp, std::vector<span>* captures,
                const comparator_ops* ops) {
    if (!ops) return glob(value, pattern, cmp, nullptr, captures);
    if (!ops->fold) return false;
    // Match on the folded forms; captured spans map back to the input.
    std::vector<std::size_t> origin;
    auto folded = ops->fold(value, captures ? &origin : nullptr);
    if (!glob(folded, fold_pattern(pattern, *ops), comparator::octet, ops, captures)) return false;
    if (captures)
        for (auto& c : *captures) {
            auto from = origin[c.offset], to = origin[c.offset + c.length];
            c = {from, to - from};
        }
    return true;
}

int compare(std::string_view a, std::string_view b, comparator cmp, const comparator_ops* ops) {
    if (ops)
        return ops->compare ? ops->compare(a, b) : sign(ops->fold(a, nullptr).compare(ops->fold(b, nullptr)));
    if (cmp == comparator::octet) return sign(a.compare(b));
    // RFC 4790 §9.2.1: ordering is i;octet after mapping a-z to A-Z (so "_"
    // sorts after "a", unlike a tolower()-based compare).
    auto upper = [](char c) { return static_cast<unsigned char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c); };
    auto [x, y] = std::mismatch(a.begin(), a.end(), b.begin(), b.end(),
                                [&](char p, char q) { return upper(p) == upper(q); });
    if (x == a.end()) return y == b.end() ? 0 : -1;
    if (y == b.end()) return 1;
    return upper(*x) < upper(*y) ? -1 : 1;
}

bool holds(int order, relation rel) {
    switch (rel) {
        case relation::gt:
            return order > 0;
        case relation::ge:
            return order >= 0;
        case relation::lt:
            return order < 0;
        case relation::le:
            return order <= 0;
        case relation::eq:
            return order == 0;
        case relation::ne:
            return order != 0;
        case relation::none:
        case relation::count_:
            break;
    }
    return false;
}

bool matches(std::string_view value, std::string_view key, const match_spec& spec) {
    switch (spec.type) {
        case match_type::is:
            return equal(value, key, spec.cmp, spec.cmp_ops);
        case match_type::contains:
            return contains(value, key, spec.cmp, spec.cmp_ops);
        case match_type::matches:
            return glob_match(value, key, spec.cmp, nullptr, spec.cmp_ops);
    }
    return false;
}

namespace {

template <class Ops>
std::string name_of(std::uint64_t id, std::span<const std::string_view> own,
                    const std::array<const Ops*, 256>* table) {
    if (id < own.size()) return std::string(own[id]);
    if (table && id < table->size() && (*table)[id]) return std::string((*table)[id]->name);
    return "#" + std::to_string(id);
}

constexpr std::string_view own_comparators[] = {"i;octet", "i;ascii-casemap"};
constexpr std::string_view own_match_types[] = {"is", "contains", "matches"};
constexpr std::string_view own_address_parts[] = {"all", "localpart", "domain"};

}  // namespace

std::string comparator_name(std::uint64_t id, const match_tables* t) {
    return name_of(id, own_comparators, t ? &t->comparators : nullptr);
}
std::string match_type_name(std::uint64_t id, const match_tables* t) {
    return name_of(id, own_match_types, t ? &t->match_types : nullptr);
}
std::string address_part_name(std::uint64_t id, const match_tables* t) {
    return name_of(id, own_address_parts, t ? &t->address_parts : nullptr);
}

bool valid_packed_match(std::uint64_t v, const match_tables& tables) {
    auto type = v & 0xFF, rel = v >> 8;
    if (rel >= std::size_t(relation::count_)) return false;
    if (is_core(static_cast<match_type>(type))) return rel == 0;
    const auto* ops = tables.match_types[type];
    return ops && ops->relational == (rel != 0);
}

}  // namespace sift::vm
