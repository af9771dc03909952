// Character classes of RFC 5228 §8.1. Sieve's lexical tokens are ASCII;
// <cctype> is avoided because bytes >= 0x80 arrive as negative chars and
// its result would then depend on the locale (or be undefined).
#pragma once

#include "parse/node_allocator.hpp"

#include <array>
#include <cstdint>
#include <string_view>

namespace sift::parse::chars {

constexpr bool is_alpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
constexpr bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
constexpr bool is_word_start(char c) {
    return is_alpha(c) || c == '_';
}
constexpr bool is_word(char c) {
    return is_word_start(c) || is_digit(c);
}
constexpr char to_lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// Whether the multi-line string opener "text:" starts at `at`. It is an
// ABNF literal, so case-insensitive like the rest.
template <typename Iterator>
bool starts_text_colon(Iterator at, Iterator const& last) {
    for (char c : std::string_view("text:")) {
        if (at == last || to_lower(*at) != c) return false;
        ++at;
    }
    return true;
}

// The scanning loops look bytes up in 256-entry tables (one load and test
// per byte) rather than testing ranges.
using byte_table = std::array<std::uint8_t, 256>;

constexpr std::uint8_t lookup(byte_table const& table, char c) {
    return table[static_cast<unsigned char>(c)];
}

// word_class: bit 1 for a word character, bit 2 for an upper-case one.
inline constexpr std::uint8_t word_char = 1, upper_char = 2;
inline constexpr byte_table word_class = [] {
    byte_table table{};
    for (int c = 0; c < 256; ++c)
        if (is_word(static_cast<char>(c))) table[c] = word_char | (c >= 'A' && c <= 'Z' ? upper_char : 0);
    return table;
}();

// identifier = (ALPHA / "_") *(ALPHA / DIGIT / "_"), compared without case,
// so it is stored lower-cased. Reads the word at `first` (which the caller
// checked starts one) into `out`: a view of the script when the word is
// written in lower case, as it nearly always is, else a lower-cased copy
// in the tree's arena (a parse is running). Returns where the word ends.
template <typename Iterator>
Iterator scan_word(Iterator first, Iterator const& last, std::string_view& out) {
    Iterator end = first;
    std::uint8_t seen = 0;
    for (std::uint8_t cls; end != last && ((cls = lookup(word_class, *end)) & word_char); ++end) seen |= cls;
    out = std::string_view(&*first, static_cast<std::size_t>(end - first));
    if (seen & upper_char) {
        char* lowered = ast::arena::current()->allocate_chars(out.size());
        for (std::size_t i = 0; i < out.size(); ++i) lowered[i] = to_lower(out[i]);
        out = std::string_view(lowered, out.size());
    }
    return end;
}

}  // namespace sift::parse::chars
