// RFC 5051: comparator-i;unicode-casemap.
#include "ext/comparator_unicode_casemap/unicode_casemap.hpp"
#include "test_support.hpp"
#include "validate/registry.hpp"
#include "vm/match.hpp"

// Its own namespace: a unity batch shares one translation unit (prelude, holds).
namespace sift::testing::comparator_unicode_casemap_tests {
namespace {

using vm::comparator;
constexpr auto unicode_id = ext::comparator_unicode_casemap;

// The comparator as the VM runs it: its id with the operations the
// extension registered.
const vm::comparator_ops* unicode_ops() {
    return validate::registry::standard().tables().comparators[std::size_t(unicode_id)];
}
bool equal(std::string_view a, std::string_view b) {
    return vm::equal(a, b, unicode_id, unicode_ops());
}
bool contains(std::string_view a, std::string_view b) {
    return vm::contains(a, b, unicode_id, unicode_ops());
}
int compare(std::string_view a, std::string_view b) {
    return vm::compare(a, b, unicode_id, unicode_ops());
}
bool glob_match(std::string_view a, std::string_view b) {
    return vm::glob_match(a, b, unicode_id, nullptr, unicode_ops());
}

constexpr const char* prelude = "require [\"comparator-i;unicode-casemap\", \"variables\", \"fileinto\"];\n";

std::string filed(const std::string& body, std::string msg) {
    auto s = compiled(std::string(prelude) + body);
    auto m = message::from_raw(std::move(msg));
    auto r = s.run(m, default_envelope());
    return r.actions.empty() ? "" : mailbox_of(r.actions[0]);
}

TEST(unicode_casemap, folds_case_beyond_ascii) {
    EXPECT_TRUE(equal("T\xc3\x88ST", "t\xc3\xa8st"));  // TÈST / tèst
    EXPECT_TRUE(equal("\xce\xa3\xce\x99\xce\x93\xce\x9c\xce\x91",
                      "\xcf\x83\xce\xb9\xce\xb3\xce\xbc\xce\xb1"));              // ΣΙΓΜΑ / σιγμα
    EXPECT_TRUE(equal("\xd0\x9f\xd0\xa0\xd0\x98", "\xd0\xbf\xd1\x80\xd0\xb8"));  // ПРИ / при
    EXPECT_FALSE(equal("\xc3\xa8", "e"));
}

TEST(unicode_casemap, decomposes_before_comparing) {
    // Precomposed é equals e + COMBINING ACUTE ACCENT (canonical decomposition).
    EXPECT_TRUE(equal("caf\xc3\xa9", "CAFE\xcc\x81"));
    // Compatibility decomposition: the "fi" ligature U+FB01 equals "FI".
    EXPECT_TRUE(equal("\xef\xac\x81le", "FILE"));
    // Titlecase, not upper case: U+01C6 "dž" equals U+01C5 "Dž" and U+01C4 "DŽ".
    EXPECT_TRUE(equal("\xc7\x86", "\xc7\x84"));
}

TEST(unicode_casemap, invalid_utf8_compares_as_octets) {
    EXPECT_TRUE(equal("a\xff", "A\xff"));
    EXPECT_FALSE(equal("\xff", "\xc3\xbf"));  // 0xFF is not ÿ
}

TEST(unicode_casemap, contains_and_ordering) {
    EXPECT_TRUE(contains("This is a header with T\xc3\x88ST", "t\xc3\xa8st"));
    EXPECT_EQ(compare("abc", "ABD"), -1);
    EXPECT_EQ(compare("\xc3\xa9", "\xc3\x89"), 0);
}

TEST(unicode_casemap, question_mark_is_one_character) {
    EXPECT_TRUE(glob_match("k\xc3\xb6ln", "K?LN"));  // ö is two octets, one character
    EXPECT_FALSE(glob_match("k\xc3\xb6ln", "K??LN"));
    EXPECT_FALSE(vm::glob_match("k\xc3\xb6ln", "K?ln", comparator::octet));
    EXPECT_TRUE(vm::glob_match("k\xc3\xb6ln", "K??LN", comparator::ascii_casemap));  // octets there
    // A precomposed character and its decomposed spelling are one character either way.
    EXPECT_TRUE(glob_match("caf\xc3\xa9", "caf?"));
    EXPECT_TRUE(glob_match("cafe\xcc\x81", "caf?"));
}

TEST(unicode_casemap, escaped_wildcards_stay_literal) {
    EXPECT_TRUE(glob_match("a*b", "A\\*B"));
    EXPECT_FALSE(glob_match("axb", "A\\*B"));
    EXPECT_TRUE(glob_match("a?b", "A\\?B"));
}

TEST(unicode_casemap, match_variables_hold_the_original_text) {
    std::string msg =
        "Subject: Gr\xc3\xbc\xc3\x9f"
        "e aus K\xc3\xb6ln\r\n\r\n";
    // ü is one character (U+0055 U+0308 once folded); ß has no simple
    // titlecase mapping, so it stays one character and never equals "SS".
    EXPECT_EQ(filed("if header :matches :comparator \"i;unicode-casemap\" \"subject\" \"GR??E AUS *\" "
                    "{ fileinto \"${1}|${2}|${3}\"; }",
                    msg),
              "\xc3\xbc|\xc3\x9f|K\xc3\xb6ln");
    EXPECT_EQ(filed("if header :matches :comparator \"i;unicode-casemap\" \"subject\" \"GR?SSE *\" "
                    "{ fileinto \"y\"; }",
                    msg),
              "INBOX");
}

TEST(unicode_casemap, pigeonhole_examples) {
    std::string msg = "X-A: This is a header with T\xc3\x88ST\r\n\r\n";
    EXPECT_EQ(filed("if header :contains :comparator \"i;unicode-casemap\" \"X-A\" \"t\xc3\xa8st\" { "
                    "fileinto \"y\"; }",
                    msg),
              "y");
    EXPECT_EQ(filed("if header :matches :comparator \"i;unicode-casemap\" \"X-A\" \"ThIs*with*t\xc3\xa8sT\" "
                    "{ fileinto \"y\"; }",
                    msg),
              "y");
    EXPECT_EQ(filed("if header :matches :comparator \"i;unicode-casemap\" \"X-A\" \"*t\xff"
                    "st\" { fileinto \"y\"; }",
                    msg),
              "INBOX");
}

TEST(unicode_casemap, requires_its_capability) {
    auto errors = compile_errors("if header :is :comparator \"i;unicode-casemap\" \"a\" \"1\" { }");
    EXPECT_NE(errors.find("requires the \"comparator-i;unicode-casemap\" capability"), std::string::npos)
        << errors;
}

}  // namespace
}  // namespace sift::testing::comparator_unicode_casemap_tests
