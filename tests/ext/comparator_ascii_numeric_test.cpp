// RFC 4790 §9.1 / RFC 5228 §2.7.3: comparator-i;ascii-numeric.
#include "ext/comparator_ascii_numeric/ascii_numeric.hpp"
#include "test_support.hpp"
#include "vm/match.hpp"

// Its own namespace: a unity batch shares one translation unit (prelude, holds).
namespace sift::testing::comparator_ascii_numeric_tests {
namespace {

using ext::compare_ascii_numeric;

constexpr const char* prelude = "require [\"comparator-i;ascii-numeric\", \"fileinto\"];\n";

std::string decide(const std::string& test, std::string msg = sample_message) {
    return run(std::string(prelude) + "if " + test + " { fileinto \"yes\"; }", std::move(msg));
}

TEST(ascii_numeric, orders_leading_digits) {
    EXPECT_EQ(compare_ascii_numeric("2", "10"), -1);
    EXPECT_EQ(compare_ascii_numeric("10", "2"), 1);
    EXPECT_EQ(compare_ascii_numeric("42", "42"), 0);
    EXPECT_EQ(compare_ascii_numeric("0", "000"), 0);
}

TEST(ascii_numeric, leading_zeros_do_not_count) {
    EXPECT_EQ(compare_ascii_numeric("007", "7"), 0);
    EXPECT_EQ(compare_ascii_numeric("0010", "9"), 1);
}

TEST(ascii_numeric, trailing_non_digits_are_ignored) {
    EXPECT_EQ(compare_ascii_numeric("12abc", "12"), 0);
    EXPECT_EQ(compare_ascii_numeric("3 apples", "20 pears"), -1);
}

TEST(ascii_numeric, numbers_beyond_64_bits_compare_exactly) {
    EXPECT_EQ(compare_ascii_numeric("18446744073709551616", "18446744073709551615"), 1);  // 2^64 vs 2^64-1
    EXPECT_EQ(compare_ascii_numeric("99999999999999999999999999999", "100000000000000000000000000000"), -1);
    EXPECT_EQ(compare_ascii_numeric("000123456789012345678901234567890", "123456789012345678901234567890"),
              0);
}

TEST(ascii_numeric, non_digits_are_positive_infinity) {
    EXPECT_EQ(compare_ascii_numeric("abc", "xyz"), 0);  // both infinity
    EXPECT_EQ(compare_ascii_numeric("", "abc"), 0);     // the empty string too
    EXPECT_EQ(compare_ascii_numeric("abc", "99999999999999999999999"), 1);
    EXPECT_EQ(compare_ascii_numeric("5", " 5"), -1);  // a leading space is not a digit
}

TEST(ascii_numeric, is_compares_numbers) {
    std::string msg = "X-Count: 0042\r\nX-Word: many\r\n\r\n";
    EXPECT_EQ(decide("header :is :comparator \"i;ascii-numeric\" \"x-count\" \"42\"", msg), "fileinto:yes");
    EXPECT_EQ(decide("header :is :comparator \"i;ascii-numeric\" \"x-count\" \"43\"", msg), "keep*");
    // Two strings without digits are both infinity, hence equal.
    EXPECT_EQ(decide("header :is :comparator \"i;ascii-numeric\" \"x-word\" \"other\"", msg), "fileinto:yes");
}

TEST(ascii_numeric, requires_its_capability) {
    auto errors = compile_errors("if header :is :comparator \"i;ascii-numeric\" \"a\" \"1\" { }");
    EXPECT_NE(
        errors.find("1:27: error: comparator 'i;ascii-numeric' requires the \"comparator-i;ascii-numeric\""),
        std::string::npos)
        << errors;
}

TEST(ascii_numeric, has_no_substring_match) {
    for (std::string type : {"contains", "matches"}) {
        auto errors = compile_errors(std::string(prelude) + "if header :" + type +
                                     " :comparator \"i;ascii-numeric\" \"a\" \"1\" { }");
        EXPECT_NE(errors.find("2:4: error: comparator 'i;ascii-numeric' cannot be used with :" + type),
                  std::string::npos)
            << errors;
    }
}

}  // namespace
}  // namespace sift::testing::comparator_ascii_numeric_tests
