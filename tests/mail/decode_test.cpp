// RFC 2047 encoded words, RFC 2045 transfer encodings, charset conversion.
// Expected values are the RFCs' own examples where they have one.
#include "mail/decode.hpp"
#include "mail/encode.hpp"
#include "mail/message.hpp"

#include <gtest/gtest.h>

namespace sift::mail {
namespace {

std::string dec(std::string_view s) {
    return message::decode(s);
}

// RFC 2047 §8, the table of "encoded form" -> "displayed as".
TEST(encoded_words, rfc2047_section8_examples) {
    EXPECT_EQ(dec("(=?ISO-8859-1?Q?a?=)"), "(a)");
    EXPECT_EQ(dec("(=?ISO-8859-1?Q?a?= b)"), "(a b)");
    EXPECT_EQ(dec("(=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=)"), "(ab)");
    EXPECT_EQ(dec("(=?ISO-8859-1?Q?a?=  =?ISO-8859-1?Q?b?=)"), "(ab)");
    EXPECT_EQ(dec("(=?ISO-8859-1?Q?a?=\r\n    =?ISO-8859-1?Q?b?=)"), "(ab)");
    EXPECT_EQ(dec("(=?ISO-8859-1?Q?a_b?=)"), "(a b)");
    EXPECT_EQ(dec("(=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=)"), "(a b)");
}

TEST(encoded_words, rfc2047_section8_headers) {
    EXPECT_EQ(dec(" =?US-ASCII?Q?Keith_Moore?= <moore@cs.utk.edu>"), "Keith Moore <moore@cs.utk.edu>");
    EXPECT_EQ(dec(" =?ISO-8859-1?Q?Keld_J=F8rn_Simonsen?= <keld@dkuug.dk>"),
              "Keld J\u00f8rn Simonsen <keld@dkuug.dk>");
    EXPECT_EQ(dec(" =?ISO-8859-1?Q?Andr=E9?= Pirard <PIRARD@vm1.ulg.ac.be>"),
              "Andr\u00e9 Pirard <PIRARD@vm1.ulg.ac.be>");
    EXPECT_EQ(dec(" =?ISO-8859-1?B?SWYgeW91IGNhbiByZWFkIHRoaXMgeW8=?=\r\n"
                  "    =?ISO-8859-2?B?dSB1bmRlcnN0YW5kIHRoZSBleGFtcGxlLg==?="),
              "If you can read this you understand the example.");
}

TEST(encoded_words, charsets) {
    EXPECT_EQ(dec("=?utf-8?B?4oKs?="), "\u20ac");
    EXPECT_EQ(dec("=?UTF-8?q?=E2=82=AC?="), "\u20ac");
    EXPECT_EQ(dec("=?windows-1252?Q?=80_5?="), "\u20ac 5");
    EXPECT_EQ(dec("=?Windows-1252?q?=93quoted=94?="), "\u201cquoted\u201d");
    EXPECT_EQ(dec("=?iso-8859-15?q?=A4?="), "\u20ac");
}

TEST(encoded_words, rfc2231_language_suffix) {
    EXPECT_EQ(dec("=?utf-8*en?Q?hello_world?="), "hello world");
    EXPECT_EQ(dec("=?US-ASCII*EN?Q?Keith_Moore?="), "Keith Moore");
}

TEST(encoded_words, character_split_between_adjacent_words) {
    // E2 82 | AC: the euro sign cut in two base64 words of one charset.
    EXPECT_EQ(dec("=?utf-8?B?4oI=?= =?utf-8?B?rA==?="), "\u20ac");
}

TEST(encoded_words, text_around_words_is_kept) {
    EXPECT_EQ(dec("Re: =?utf-8?q?caf=C3=A9?= ok"), "Re: caf\u00e9 ok");
    EXPECT_EQ(dec("a =?utf-8?q?b?= c =?utf-8?q?d?="), "a b c d");
    EXPECT_EQ(dec("no words here"), "no words here");
}

TEST(encoded_words, malformed_words_stay_as_written) {
    EXPECT_EQ(dec("=?utf-8?x?abc?="), "=?utf-8?x?abc?=");    // unknown encoding
    EXPECT_EQ(dec("=?utf-8?q?no end"), "=?utf-8?q?no end");  // unterminated
    EXPECT_EQ(dec("=?utf-8?q?a b?="), "=?utf-8?q?a b?=");    // space inside
    EXPECT_EQ(dec("=??q?abc?="), "=??q?abc?=");              // empty charset
    EXPECT_EQ(dec("=?utf-8?b?a*b?="), "=?utf-8?b?a*b?=");    // not base64
    EXPECT_EQ(dec("=?utf-8?q?ok?= =?bad"), "ok =?bad");
    EXPECT_EQ(dec("=?"), "=?");
    EXPECT_EQ(dec("=?utf-8?q?"
                  "?="),
              "");  // empty text is a valid empty word
}

TEST(encoded_words, unknown_charset_keeps_bytes_replacing_invalid_utf8) {
    EXPECT_EQ(dec("=?x-no-such-charset?q?abc?="), "abc");
    EXPECT_EQ(dec("=?x-no-such-charset?q?a=FFb?="), "a\uFFFDb");
    EXPECT_EQ(dec("=?utf-8//TRANSLIT?q?abc?="), "abc");
}

TEST(encoded_words, invalid_bytes_in_a_declared_charset) {
    EXPECT_EQ(dec("=?utf-8?q?a=C3?="), "a\uFFFD");
    EXPECT_EQ(dec("=?utf-8?q?=ED=A0=80?="), "\uFFFD\uFFFD\uFFFD");  // a surrogate
    EXPECT_EQ(dec("=?us-ascii?q?=C3=A9?="), "\u00e9");              // 8-bit "ascii" is read as UTF-8
}

TEST(base64, skips_line_breaks_and_junk) {
    std::string out;
    append_base64_decoded("SGVs bG8s\r\nIHdv*cmxk\r\n!IQ==\r\n", out);
    EXPECT_EQ(out, "Hello, world!");
}

TEST(base64, partial_quanta_and_concatenated_encodings) {
    std::string out;
    append_base64_decoded("YQ", out);  // "a" without padding
    EXPECT_EQ(out, "a");
    out.clear();
    append_base64_decoded("YQ==YWI=", out);
    EXPECT_EQ(out, "aab");
    out.clear();
    append_base64_decoded("Y", out);  // six bits: no whole octet
    EXPECT_EQ(out, "");
}

// RFC 2045 §6.7.
TEST(quoted_printable, soft_line_breaks) {
    std::string out;
    append_qp_decoded("Now's the time =\r\nfor all folk to come=\r\n to the aid of their country.", out);
    EXPECT_EQ(out, "Now's the time for all folk to come to the aid of their country.");
}

TEST(quoted_printable, hex_trailing_space_and_malformed_equals) {
    std::string out;
    append_qp_decoded("caf=C3=a9  \nline=\t\n2\n=ZZ=4", out);
    EXPECT_EQ(out, "caf\u00e9\nline2\n=ZZ=4");
}

TEST(quoted_printable, line_endings_are_kept) {
    std::string out;
    append_qp_decoded("a\r\nb\nc", out);
    EXPECT_EQ(out, "a\r\nb\nc");
}

TEST(to_utf8, converts_and_replaces) {
    EXPECT_EQ(to_utf8("\xe9t\xe9", "ISO-8859-1"), "\u00e9t\u00e9");
    EXPECT_EQ(to_utf8("\x80", "windows-1252"), "\u20ac");
    EXPECT_EQ(to_utf8("ok\xff", "utf-8"), "ok\uFFFD");
    EXPECT_EQ(to_utf8("ok\xff", "no-such-charset"), "ok\uFFFD");
    EXPECT_EQ(to_utf8("\x81", "windows-1252"), "\uFFFD");  // 0x81 is unassigned
    EXPECT_EQ(to_utf8("", "iso-8859-1"), "");
}

TEST(to_utf8, stateful_charset) {
    // ISO-2022-JP: ESC $ B, JIS 0x3B7A (U+8A66 "試"), ESC ( B.
    EXPECT_EQ(to_utf8("\x1b$B;n\x1b(B", "iso-2022-jp"), "\u8a66");
}

// encode_words: every line of the field, the first too (after the field
// name), stays within 78 octets (RFC 5322 §2.1.1) and decodes back.
TEST(encoded_words, encoding_keeps_lines_within_78_octets) {
    std::string text;
    for (int i = 0; i < 30; ++i) text += "Grüße \xe6\x97\xa5\xf0\x9f\x98\x80 ";
    for (std::size_t used : {0u, 9u, 30u, 57u}) {
        auto field = std::string(used, 'x') + encode_words(text, used);
        for (std::size_t at = 0, next; at <= field.size(); at = next + 2) {
            next = std::min(field.find("\r\n", at), field.size());
            EXPECT_LE(next - at, 78u) << "used " << used;
        }
        EXPECT_EQ(dec(field.substr(used)), text) << "used " << used;
    }
}

}  // namespace
}  // namespace sift::mail
