// Comparators and match types (RFC 5228 §2.7, RFC 4790).
#include "vm/match.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace sift::vm {
namespace {

constexpr auto octet = comparator::octet;
constexpr auto casemap = comparator::ascii_casemap;

TEST(match, is_compares_whole_values) {
    EXPECT_TRUE(equal("Hello", "hello", casemap));
    EXPECT_FALSE(equal("Hello", "hello", octet));
    EXPECT_FALSE(equal("Hello", "Hell", casemap));
    EXPECT_TRUE(equal("", "", octet));
}

TEST(match, casemap_folds_ascii_only) {
    // RFC 4790 §9.2: i;ascii-casemap folds only A-Z.
    EXPECT_FALSE(equal("\xc3\x84", "\xc3\xa4", casemap));  // Ä vs ä
    EXPECT_TRUE(equal("ÄbC", "Äbc", casemap));
}

TEST(match, contains) {
    EXPECT_TRUE(contains("Hello World", "o w", casemap));
    EXPECT_FALSE(contains("Hello World", "o w", octet));
    EXPECT_TRUE(contains("anything", "", octet));  // RFC 5228 §2.7.1: "" is contained in any string
    EXPECT_TRUE(contains("", "", casemap));
    EXPECT_FALSE(contains("", "a", casemap));
}

// i;ascii-casemap :is and :contains compare octets by their difference
// (one bit between a letter's cases) and look for the needle's first
// octet alone: random values over letters, their neighbours across the
// 0x20 bit ('@' and '`', '[' and '{'), digits and non-ASCII octets give a
// folded reference's answers, at every length and position.
TEST(match, casemap_is_and_contains_against_folding) {
    auto folded = [](std::string s) {
        for (auto& c : s)
            if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
        return s;
    };
    std::mt19937 rng(4790);
    const std::string alphabet = "aAzZ@`[{_0\xc1\xe1 ";
    auto word = [&](std::size_t max) {
        std::string w;
        for (std::size_t n = rng() % (max + 1); n > 0; --n) w += alphabet[rng() % alphabet.size()];
        return w;
    };
    for (int round = 0; round < 50000; ++round) {
        auto haystack = word(10), needle = word(3);
        auto h = folded(haystack), n = folded(needle);
        ASSERT_EQ(contains(haystack, needle, casemap), h.find(n) != std::string::npos)
            << haystack << " " << needle;
        ASSERT_EQ(contains(haystack, needle, octet), haystack.find(needle) != std::string::npos);
        auto other = word(3);
        ASSERT_EQ(vm::equal(needle, other, casemap), n == folded(other)) << needle << " " << other;
        ASSERT_EQ(vm::equal(needle, other, octet), needle == other);
    }
    EXPECT_TRUE(contains("x-MAILER: Mailchimp", "mailchimp", casemap));
    EXPECT_TRUE(contains("ab", "AB", casemap));     // the needle fills the haystack
    EXPECT_FALSE(contains("a", "AB", casemap));     // longer than the haystack
    EXPECT_TRUE(contains("x!!!", "!!!", casemap));  // a first octet that is no letter: at the end
    EXPECT_FALSE(contains("@", "`", casemap));      // 0x20 apart, but no letters
    EXPECT_FALSE(equal("[", "{", casemap));
    EXPECT_TRUE(equal("", "", casemap));
}

// i;ascii-casemap equality eight octets a step (mail::iequals): at every
// length across its paths (bytewise below 4, two halves below 8, words
// with an overlapping last one), a value against itself with each octet's
// 0x20 bit flipped in turn (equal only where that octet is a letter, never
// for '@' and '`', '[' and '{' or non-ASCII octets) and with another octet
// put in, against a folded reference.
TEST(match, casemap_equality_at_every_length) {
    auto folded = [](std::string s) {
        for (auto& c : s)
            if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
        return s;
    };
    std::mt19937 rng(4791);
    const std::string alphabet = "aAzZmM@`[{_0\xc1\xe1 ";
    for (std::size_t n = 0; n <= 24; ++n) {
        for (int round = 0; round < 200; ++round) {
            std::string a;
            for (std::size_t i = 0; i < n; ++i) a += alphabet[rng() % alphabet.size()];
            ASSERT_TRUE(vm::equal(a, a, casemap));
            for (std::size_t i = 0; i < n; ++i) {
                auto b = a;
                b[i] = char(b[i] ^ 0x20);
                ASSERT_EQ(vm::equal(a, b, casemap), folded(a) == folded(b)) << a << " " << b;
                ASSERT_FALSE(vm::equal(a, b, octet));
                b[i] = alphabet[rng() % alphabet.size()];
                ASSERT_EQ(vm::equal(a, b, casemap), folded(a) == folded(b)) << a << " " << b;
                ASSERT_EQ(vm::equal(a, b, octet), a == b);
            }
        }
    }
}

TEST(match, matches_wildcards) {
    EXPECT_TRUE(glob_match("foo@example.com", "*@example.com", casemap));
    EXPECT_TRUE(glob_match("foo@example.com", "f?o@*", casemap));
    EXPECT_FALSE(glob_match("fo@example.com", "f?o@*", casemap));
    EXPECT_TRUE(glob_match("", "*", octet));
    EXPECT_TRUE(glob_match("abc", "***", octet));
    EXPECT_FALSE(glob_match("", "?", octet));
    EXPECT_TRUE(glob_match("a*b", "a\\*b", octet));
    EXPECT_FALSE(glob_match("axb", "a\\*b", octet));
    EXPECT_TRUE(glob_match("a?b", "a\\?b", octet));
    EXPECT_FALSE(glob_match("axb", "a\\?b", octet));
    EXPECT_TRUE(glob_match("a\\b", "a\\\\b", octet));
    EXPECT_TRUE(glob_match("xaxbxc", "*a*b*c", octet));
    EXPECT_FALSE(glob_match("xaxbxcx", "*a*b*c", octet));
    EXPECT_TRUE(glob_match("MiXeD", "m*d", casemap));
}

// A '*' that ends the pattern takes the rest of the value at once; the
// captures are those of the step-by-step expansion (RFC 5229 §3.2:
// leftmost-shortest for every '*' but that last one).
TEST(match, trailing_star_captures_the_rest) {
    std::vector<span> caps;
    ASSERT_TRUE(glob_match("julian 60310", "*", octet, &caps));
    ASSERT_EQ(caps.size(), 1u);
    EXPECT_EQ(caps[0].offset, 0u);
    EXPECT_EQ(caps[0].length, 12u);
    ASSERT_TRUE(glob_match("a-b-c-d", "?*-*", octet, &caps));
    ASSERT_EQ(caps.size(), 3u);  // "a", "" (shortest), "b-c-d"
    EXPECT_EQ(caps[0].offset, 0u);
    EXPECT_EQ(caps[0].length, 1u);
    EXPECT_EQ(caps[1].length, 0u);
    EXPECT_EQ(caps[2].offset, 2u);
    EXPECT_EQ(caps[2].length, 5u);
    ASSERT_TRUE(glob_match("xay", "*a*", octet, &caps));
    ASSERT_EQ(caps.size(), 2u);
    EXPECT_EQ(caps[0].length, 1u);
    EXPECT_EQ(caps[1].offset, 2u);
    EXPECT_EQ(caps[1].length, 1u);
    ASSERT_TRUE(glob_match("ab", "ab*", octet, &caps));
    ASSERT_EQ(caps.size(), 1u);
    EXPECT_EQ(caps[0].offset, 2u);
    EXPECT_EQ(caps[0].length, 0u);
    EXPECT_FALSE(glob_match("xby", "*a*", octet, &caps));
}

// "*" alone takes the whole value, the empty one too, as its one capture,
// whatever an earlier match left in the vector.
TEST(match, star_alone_takes_the_whole_value) {
    std::vector<span> caps;
    ASSERT_TRUE(glob_match("a-b-c-d", "?*-*", octet, &caps));
    ASSERT_EQ(caps.size(), 3u);
    for (std::string_view value : {"", "x", "Mixed Case *?\\"}) {
        for (auto cmp : {octet, casemap}) {
            ASSERT_TRUE(glob_match(value, "*", cmp, &caps)) << value;
            ASSERT_EQ(caps.size(), 1u);
            EXPECT_EQ(caps[0].offset, 0u);
            EXPECT_EQ(caps[0].length, value.size());
            EXPECT_TRUE(glob_match(value, "*", cmp));
        }
    }
    // Not the pattern "*": an escaped star is a literal one.
    EXPECT_FALSE(glob_match("x", "\\*", octet));
    EXPECT_TRUE(glob_match("*", "\\*", octet));
}

// :matches by its definition, for patterns of literals and '*': each star
// as short as the rest of the pattern allows, from the left (RFC 5229 §3.2).
bool reference_glob(std::string_view value, std::string_view pattern, comparator cmp,
                    std::vector<std::size_t>& stars) {
    if (pattern.empty()) return value.empty();
    if (pattern[0] == '*') {
        for (std::size_t n = 0; n <= value.size(); ++n) {
            std::vector<std::size_t> rest;
            if (reference_glob(value.substr(n), pattern.substr(1), cmp, rest)) {
                stars = {n};
                stars.insert(stars.end(), rest.begin(), rest.end());
                return true;
            }
        }
        return false;
    }
    return !value.empty() && equal(value.substr(0, 1), pattern.substr(0, 1), cmp) &&
           reference_glob(value.substr(1), pattern.substr(1), cmp, stars);
}

// "*" and a literal tail ("*.example.com") is matched as a suffix: random
// values and tails give the reference's answers and capture.
TEST(match, star_and_literal_tail_as_a_suffix) {
    std::mt19937 rng(5229);
    const std::string alphabet = "abAB.";
    auto word = [&](std::size_t max) {
        std::string w;
        for (std::size_t n = rng() % (max + 1); n > 0; --n) w += alphabet[rng() % alphabet.size()];
        return w;
    };
    for (int round = 0; round < 20000; ++round) {
        auto value = word(8);
        auto pattern = "*" + word(4);
        for (auto cmp : {octet, casemap}) {
            std::vector<span> caps;
            std::vector<std::size_t> stars;
            bool want = reference_glob(value, pattern, cmp, stars);
            ASSERT_EQ(glob_match(value, pattern, cmp, &caps), want) << value << " " << pattern;
            if (!want) continue;
            ASSERT_EQ(caps.size(), 1u);
            EXPECT_EQ(caps[0].offset, 0u);
            EXPECT_EQ(caps[0].length, stars[0]) << value << " " << pattern;
        }
    }
    EXPECT_TRUE(glob_match("www.LinkedIn.com", "*.linkedin.com", casemap));
    EXPECT_FALSE(glob_match("linkedin.com", "*.linkedin.com", casemap));
    EXPECT_FALSE(glob_match("www.LinkedIn.com", "*.linkedin.com", octet));
    // A tail with a wildcard or an escape in it is not literal: the walk
    // reads it, wherever in the tail it is.
    EXPECT_TRUE(glob_match("abc", "*b?", octet));
    EXPECT_FALSE(glob_match("ab", "*b?", octet));
    EXPECT_TRUE(glob_match("x?y", "*\\?y", octet));
    EXPECT_FALSE(glob_match("xzy", "*\\?y", octet));
    EXPECT_TRUE(glob_match("a.b.c", "*.b*", octet));
    EXPECT_FALSE(glob_match("a.c", "*.b*", octet));
    EXPECT_TRUE(glob_match("ab\\", "*b\\\\", octet));
}

TEST(match, question_mark_is_one_octet_for_octet_comparators) {
    // RFC 4790 §9.1/§9.2: these comparators see octets, so ä is two characters.
    EXPECT_FALSE(glob_match("\xc3\xa4", "?", casemap));
    EXPECT_TRUE(glob_match("\xc3\xa4", "??", casemap));
    EXPECT_TRUE(glob_match("x\xe2\x82\xacy", "x???y", octet));
}

TEST(match, pathological_pattern_stays_fast) {
    std::string value(20000, 'a');
    std::string pattern;
    for (int i = 0; i < 50; ++i) pattern += "*a";
    pattern += "b";
    EXPECT_FALSE(glob_match(value, pattern, octet));
}

}  // namespace
}  // namespace sift::vm
