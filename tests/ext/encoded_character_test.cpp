// RFC 5228 §2.4.2.4: encoded-character. With the capability required,
// "${hex:...}" (octets as hex pairs) and "${unicode:...}" (code points)
// in a string stand for what they encode; blanks separate the numbers,
// the names are case-insensitive, and a sequence that is not one is left
// as written. Without the capability nothing is decoded.
#include "test_support.hpp"

namespace sift::testing {
namespace {

// The mailbox a script files into, as summary() shows it.
std::string mailbox_of(const std::string& literal, bool required = true) {
    std::string source =
        required ? "require [\"encoded-character\", \"fileinto\"];\n" : "require \"fileinto\";\n";
    return run(source + "fileinto \"" + literal + "\";", "Subject: x\r\n\r\n");
}

TEST(encoded_character, hex_and_unicode) {
    EXPECT_EQ(mailbox_of("${hex:40}"), "fileinto:@");
    EXPECT_EQ(mailbox_of("${hex: 24 24}"), "fileinto:$$");  // blanks around and between
    EXPECT_EQ(mailbox_of("a${HEX:42}c"), "fileinto:aBc");   // the name is case-insensitive
    EXPECT_EQ(mailbox_of("${unicode:40}"), "fileinto:@");
    EXPECT_EQ(mailbox_of("${Unicode:00e9 20AC}"), "fileinto:\xc3\xa9\xe2\x82\xac");  // é €
    EXPECT_EQ(mailbox_of("${hex:c3 a9}"), "fileinto:\xc3\xa9");  // octets make the character
}

TEST(encoded_character, what_is_not_an_encoding_stays_as_written) {
    EXPECT_EQ(mailbox_of("${hex:}"), "fileinto:${hex:}");
    EXPECT_EQ(mailbox_of("${hex:4G}"), "fileinto:${hex:4G}");
    EXPECT_EQ(mailbox_of("${hex:40"), "fileinto:${hex:40");
    EXPECT_EQ(mailbox_of("${octal:40}"), "fileinto:${octal:40}");
    // Without the capability the text is plain.
    EXPECT_EQ(mailbox_of("${hex:40}", false), "fileinto:${hex:40}");
}

TEST(encoded_character, applies_to_every_string_of_the_script) {
    // A key compared with the Subject, decoded before matching.
    EXPECT_EQ(run("require [\"encoded-character\", \"fileinto\"];\n"
                  "if header :is \"subject\" \"${unicode:48 49}\" { fileinto \"yes\"; }",
                  "Subject: HI\r\n\r\n"),
              "fileinto:yes");
}

TEST(encoded_character, a_code_point_outside_unicode_is_an_error) {
    // unicode-hex names Unicode scalar values: no surrogates, nothing
    // past 10FFFF.
    auto errors =
        compile_errors("require [\"encoded-character\", \"fileinto\"];\nfileinto \"${unicode:D800}\";");
    EXPECT_NE(errors.find("2:10"), std::string::npos) << errors;
    EXPECT_FALSE(
        compile_errors("require [\"encoded-character\", \"fileinto\"];\nfileinto \"${unicode:110000}\";")
            .empty());
}

}  // namespace
}  // namespace sift::testing
