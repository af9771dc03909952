#include "vm/match.hpp"

#include <algorithm>

namespace sift::vm {
namespace {

char fold(char c, comparator cmp) {
    if (cmp == comparator::ascii_casemap && c >= 'A' && c <= 'Z') return char(c - 'A' + 'a');
    return c;
}

bool same(char a, char b, comparator cmp) { return fold(a, cmp) == fold(b, cmp); }

// Length of the UTF-8 sequence starting at `s[i]`; 1 for invalid bytes so a
// broken header still advances.
std::size_t char_length(std::string_view s, std::size_t i) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
    if (i + n > s.size()) return 1;
    for (std::size_t k = 1; k < n; ++k)
        if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 1;
    return n;
}

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

// Classic two-pointer wildcard matching: on mismatch, retry from the last
// '*' one character further on. O(|value| * |pattern|) worst case.
bool glob_match(std::string_view value, std::string_view pattern, comparator cmp) {
    std::size_t v = 0, p = 0;
    std::size_t star_p = std::string_view::npos, star_v = 0;
    while (v < value.size()) {
        if (p < pattern.size()) {
            char pc = pattern[p];
            if (pc == '*') {
                star_p = ++p;
                star_v = v;
                continue;
            }
            if (pc == '?') {
                v += char_length(value, v);
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
        if (star_p == std::string_view::npos) return false;
        p = star_p;
        star_v += char_length(value, star_v);
        v = star_v;
    }
    while (p < pattern.size() && pattern[p] == '*') ++p;
    return p == pattern.size();
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
