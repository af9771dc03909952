#include "vm/match.hpp"

#include <algorithm>

namespace sift::vm {
namespace {

char fold(char c, comparator cmp) {
    if (cmp == comparator::ascii_casemap && c >= 'A' && c <= 'Z') return char(c - 'A' + 'a');
    return c;
}

bool same(char a, char b, comparator cmp) { return fold(a, cmp) == fold(b, cmp); }

// Length of the character starting at `s[i]`. The comparator defines what
// a character is (RFC 5228 §2.7.1): for i;octet and i;ascii-casemap it is
// one octet (RFC 4790 §9.1, §9.2), as Pigeonhole also has it.
std::size_t char_length(std::string_view, std::size_t) { return 1; }


}  // namespace

bool equal(std::string_view a, std::string_view b, comparator cmp) {
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [cmp](char x, char y) { return same(x, y, cmp); });
}

bool contains(std::string_view haystack, std::string_view needle, comparator cmp) {
    if (cmp == comparator::octet) return haystack.find(needle) != std::string_view::npos;
    auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                          [cmp](char x, char y) { return same(x, y, cmp); });
    return it != haystack.end() || needle.empty();
}

// Two-pointer wildcard matching: on a mismatch, the last '*' takes one
// more character and matching resumes after it. That makes every '*' but
// the last as short as possible, the leftmost-shortest expansion RFC 5229
// §3.2 asks of match variables. O(|value| * |pattern|), no recursion.
bool glob_match(std::string_view value, std::string_view pattern, comparator cmp, std::vector<span>* captures) {
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
                auto len = char_length(value, v);
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
        star_v += char_length(value, star_v);
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

bool matches(std::string_view value, std::string_view key, match_spec spec) {
    switch (spec.type) {
        case match_type::is: return equal(value, key, spec.cmp);
        case match_type::contains: return contains(value, key, spec.cmp);
        case match_type::matches: return glob_match(value, key, spec.cmp);
        case match_type::count_: break;
    }
    return false;
}

}  // namespace sift::vm
