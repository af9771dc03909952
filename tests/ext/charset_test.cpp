// vnd.sift.charset: the charset labels and encoding letters of a header's
// RFC 2047 encoded words. The expected values are read off the messages
// below by hand (RFC 2047 §2: "=?charset?encoding?encoded-text?=").
#include "test_support.hpp"

// Its own namespace: a unity batch shares one translation unit (prelude, holds).
namespace sift::testing::charset_tests {
namespace {

constexpr const char* prelude =
    "require [\"vnd.sift.charset\", \"relational\", \"index\", \"fileinto\", "
    "\"comparator-i;ascii-numeric\"];\n";

// Subject: two Korean words in ks_c_5601-1987 (B), folded, then plain text;
// From: a name in windows-1251 (Q) with an RFC 2231 language suffix.
const std::string korean =
    "From: =?windows-1251*ru?Q?=C8=E2=E0=ED?= <ivan@example.com>\r\n"
    "To: b@example.net\r\n"
    "Subject: =?ks_c_5601-1987?B?wMy6pcau?=\r\n =?KS_C_5601-1987?B?sKG9wg==?= news\r\n"
    "\r\nbody\r\n";

bool holds(const std::string& test, const std::string& msg) {
    auto s = compiled(std::string(prelude) + "if " + test + " { fileinto \"yes\"; }");
    auto r = s.run(message::from_raw(msg), default_envelope());
    EXPECT_TRUE(r.ok()) << (r.errors.empty() ? "" : r.errors.front());
    return !r.folders().empty() && *r.folders().begin() == "yes";
}

TEST(charset, labels_of_encoded_words) {
    EXPECT_TRUE(holds("charset \"subject\" \"ks_c_5601-1987\"", korean));
    EXPECT_TRUE(holds("charset :comparator \"i;octet\" \"subject\" \"KS_C_5601-1987\"", korean));
    EXPECT_FALSE(holds("charset \"subject\" \"utf-8\"", korean));
    // The language suffix is not part of the label.
    EXPECT_TRUE(holds("charset :is \"from\" \"windows-1251\"", korean));
    EXPECT_FALSE(holds("charset :contains \"from\" \"ru\"", korean));
    EXPECT_TRUE(holds("charset [\"to\", \"from\"] [\"koi8-r\", \"windows-1251\"]", korean));
    // The header test sees the subject decoded, not the label.
    EXPECT_FALSE(holds("header :contains \"subject\" \"ks_c\"", korean));
}

TEST(charset, encoding_letters_and_count) {
    EXPECT_TRUE(holds("charset :encoding \"subject\" \"B\"", korean));
    EXPECT_FALSE(holds("charset :encoding \"subject\" \"q\"", korean));
    EXPECT_TRUE(holds("charset :encoding \"from\" \"Q\"", korean));
    EXPECT_TRUE(holds("charset :count \"eq\" :comparator \"i;ascii-numeric\" \"subject\" \"2\"", korean));
    EXPECT_TRUE(
        holds("charset :count \"eq\" :comparator \"i;ascii-numeric\" [\"subject\", \"from\"] \"3\"", korean));
    EXPECT_TRUE(holds("charset :count \"eq\" :comparator \"i;ascii-numeric\" \"to\" \"0\"", korean));
}

TEST(charset, only_words_the_decoder_reads) {
    // A word with a space inside, an unknown encoding letter and bad base64
    // stay text (the header test sees them as written): no label.
    auto broken = std::string("From: a@example.com\r\n") +
                  "Subject: =?gb2312?B?not base64?= =?big5?X?abc?= =?euc-kr?B?***?=\r\n\r\nx\r\n";
    EXPECT_FALSE(holds("charset :matches \"subject\" \"*\"", broken));
    EXPECT_TRUE(holds("header :contains \"subject\" \"=?big5?X?\"", broken));
    // A word glued to text is decoded, and counted.
    auto glued = std::string("From: a@example.com\r\nSubject: Re:=?koi8-r?Q?=F0?=x\r\n\r\nx\r\n");
    EXPECT_TRUE(holds("charset \"subject\" \"koi8-r\"", glued));
    // No such field, no encoded word: false; and a match sets ${0}.
    EXPECT_FALSE(holds("charset :matches \"x-none\" \"*\"", korean));
    auto s = compiled(
        "require [\"vnd.sift.charset\", \"variables\", \"fileinto\"];\n"
        "if charset :matches \"subject\" \"*-*\" { fileinto \"${1}\"; }");
    auto r = s.run(message::from_raw(korean), default_envelope());
    ASSERT_FALSE(r.folders().empty());
    EXPECT_EQ(*r.folders().begin(), "ks_c_5601");
}

// A word that only unfolding makes whole (a bare CR or LF inside it) is
// read as the decoder reads it; fields without '?' have none.
TEST(charset, words_made_by_unfolding) {
    const std::string msg =
        "From: a@example.com\r\n"
        "Subject: =\r?utf-8?q?x?=\r\n"
        "Subject: =?koi8-r\r?q?y?= and more\r\n"
        "Subject: plain text, no words\r\n"
        "\r\nbody\r\n";
    EXPECT_TRUE(holds("charset \"subject\" \"utf-8\"", msg));
    EXPECT_TRUE(holds("charset \"subject\" \"koi8-r\"", msg));
    EXPECT_TRUE(holds("charset :count \"eq\" :comparator \"i;ascii-numeric\" \"subject\" \"2\"", msg));
    EXPECT_TRUE(holds("charset :count \"eq\" :comparator \"i;ascii-numeric\" \"from\" \"0\"", msg));
}

TEST(charset, index_picks_one_field) {
    auto two = std::string(
        "From: a@example.com\r\nSubject: =?big5?B?pKQ=?=\r\nSubject: =?gbk?B?1tA=?=\r\n\r\nx\r\n");
    EXPECT_TRUE(holds("charset :index 2 \"subject\" \"gbk\"", two));
    EXPECT_FALSE(holds("charset :index 1 \"subject\" \"gbk\"", two));
    EXPECT_TRUE(holds("charset :index 1 :last \"subject\" \"gbk\"", two));
}

TEST(charset, compile_errors) {
    auto e =
        compile_errors("require \"vnd.sift.charset\";\nif charset :encoding \"subject\" \"utf-8\" { stop; }");
    EXPECT_NE(e.find("2:32"), std::string::npos) << e;
    EXPECT_NE(e.find("charset :encoding compares encoding letters"), std::string::npos) << e;
    EXPECT_NE(compile_errors("if charset \"subject\" \"utf-8\" { stop; }")
                  .find("requires the \"vnd.sift.charset\""),
              std::string::npos);
    EXPECT_NE(compile_errors("require \"vnd.sift.charset\";\nif charset \"subject\" { stop; }"), "");
    // :matches with :encoding is fine.
    EXPECT_TRUE(
        compiled("require \"vnd.sift.charset\";\nif charset :encoding :matches \"subject\" \"*\" { stop; }")
            .ok());
}

}  // namespace
}  // namespace sift::testing::charset_tests
