// Character classes of RFC 5228 §8.1. Sieve's lexical tokens are ASCII;
// <cctype> is avoided because bytes >= 0x80 arrive as negative chars and
// its result would then depend on the locale (or be undefined).
#pragma once

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

}  // namespace sift::parse::chars
