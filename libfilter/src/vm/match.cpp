#include "vm/match.hpp"

#include "ext/comparator_ascii_numeric/ascii_numeric.hpp"
#include "ext/comparator_unicode_casemap/unicode_casemap.hpp"

#include <algorithm>

namespace sift::vm {
namespace {

char fold(char c, comparator cmp) {
    if (cmp == comparator::ascii_casemap && c >= 'A' && c <= 'Z') return char(c - 'A' + 'a');
    return c;
}

bool same(char a, char b, comparator cmp) {
    return fold(a, cmp) == fold(b, cmp);
}

// Length of the character starting at `s[i]`. The comparator defines what
// a character is (RFC 5228 §2.7.1): for i;octet and i;ascii-casemap it is
// one octet (RFC 4790 §9.1, §9.2), as Pigeonhole also has it; for
// i;unicode-casemap (which matches on the folded form) one character with
// its combining marks.
std::size_t char_length(std::string_view s, std::size_t i, comparator cmp) {
    return cmp == comparator::unicode_casemap ? ext::unicode_casemap_char_length(s, i) : 1;
}

// A :matches pattern in i;unicode-casemap form: literal characters folded,
// wildcards kept, and any '*', '?', '\' the folding produced escaped.
std::string fold_pattern(std::string_view pattern) {
    std::string out, literal;
    auto flush = [&] {
        for (char c : ext::unicode_casemap_fold(literal)) {
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
// `cmp` is never unicode_casemap's folding here, only its character length.
bool glob(std::string_view value, std::string_view pattern, comparator cmp, std::vector<span>* captures) {
    constexpr auto none = std::string_view::npos;
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
                auto len = char_length(value, v, cmp);
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
        star_v += char_length(value, star_v, cmp);
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

bool equal(std::string_view a, std::string_view b, comparator cmp) {
    switch (cmp) {
        case comparator::ascii_numeric:
            return ext::compare_ascii_numeric(a, b) == 0;
        case comparator::unicode_casemap:
            return ext::unicode_casemap_fold(a) == ext::unicode_casemap_fold(b);
        default:
            break;
    }
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [cmp](char x, char y) { return same(x, y, cmp); });
}

bool contains(std::string_view haystack, std::string_view needle, comparator cmp) {
    switch (cmp) {
        case comparator::octet:
            return haystack.find(needle) != std::string_view::npos;
        case comparator::ascii_numeric:
            return false;  // no substring operation (RFC 4790 §9.1)
        case comparator::unicode_casemap:
            return ext::unicode_casemap_fold(haystack).find(ext::unicode_casemap_fold(needle)) !=
                   std::string::npos;
        default:
            break;
    }
    auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                          [cmp](char x, char y) { return same(x, y, cmp); });
    return it != haystack.end() || needle.empty();
}

bool glob_match(std::string_view value, std::string_view pattern, comparator cmp,
                std::vector<span>* captures) {
    if (cmp == comparator::ascii_numeric) return false;
    if (cmp != comparator::unicode_casemap) return glob(value, pattern, cmp, captures);
    // Match on the folded forms; captured spans map back to the input.
    std::vector<std::size_t> origin;
    auto folded = ext::unicode_casemap_fold(value, captures ? &origin : nullptr);
    if (!glob(folded, fold_pattern(pattern), cmp, captures)) return false;
    if (captures)
        for (auto& c : *captures) {
            auto from = origin[c.offset], to = origin[c.offset + c.length];
            c = {from, to - from};
        }
    return true;
}

int compare(std::string_view a, std::string_view b, comparator cmp) {
    switch (cmp) {
        case comparator::octet:
            return sign(a.compare(b));
        case comparator::ascii_numeric:
            return ext::compare_ascii_numeric(a, b);
        case comparator::unicode_casemap:
            return sign(ext::unicode_casemap_fold(a).compare(ext::unicode_casemap_fold(b)));
        case comparator::ascii_casemap: {
            // RFC 4790 §9.2.1: ordering is i;octet after mapping a-z to A-Z
            // (so "_" sorts after "a", unlike a tolower()-based compare).
            auto upper = [](char c) {
                return static_cast<unsigned char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
            };
            auto [x, y] = std::mismatch(a.begin(), a.end(), b.begin(), b.end(),
                                        [&](char p, char q) { return upper(p) == upper(q); });
            if (x == a.end()) return y == b.end() ? 0 : -1;
            if (y == b.end()) return 1;
            return upper(*x) < upper(*y) ? -1 : 1;
        }
        case comparator::count_:
            break;
    }
    return 0;
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

bool matches(std::string_view value, std::string_view key, match_spec spec) {
    switch (spec.type) {
        case match_type::is:
            return equal(value, key, spec.cmp);
        case match_type::contains:
            return contains(value, key, spec.cmp);
        case match_type::matches:
            return glob_match(value, key, spec.cmp);
        case match_type::value:
            return holds(compare(value, key, spec.cmp), spec.rel);
        case match_type::count:
        case match_type::regex:
        case match_type::list:  // run_state::any_key (RFC 6134)
        case match_type::count_:
            break;
    }
    return false;
}

}  // namespace sift::vm
