// sift-milter's checks before the content (milter/checks.hpp). The
// expected replies are issue 10's texts, written out by hand.
#include "checks.hpp"

#include <gtest/gtest.h>

namespace sift::milter {
namespace {

const smtp_limits defaults{};

TEST(MilterChecks, BogusHeloNames) {
    for (const char* bogus :
         {"localhost", "LOCALHOST", "localhost.localdomain", "foo.localhost", "[192.0.2.1]",
          "[IPv6:2001:db8::1]", "192.0.2.1", "2001:db8::1", "client", "", "a..example", "-a.example",
          "a-.example", "under_score.example", "host.123", "sp ace.example", "x.example.\xC3\xA9"}) {
        EXPECT_TRUE(bogus_helo(bogus, defaults)) << bogus;
        EXPECT_EQ(check_helo(bogus, defaults), (smtp_reply{550, "5.7.1", "Access denied - bogus HELO"}))
            << bogus;
    }
    for (const char* good : {"mail.example.com", "MX1.Example.NET", "mx.example.com.", "a-b.c-d.example",
                             "1.2.3.example", "xn--bcher-kva.example"})
        EXPECT_FALSE(bogus_helo(good, defaults)) << good;
    EXPECT_TRUE(bogus_helo(std::string(64, 'a') + ".example", defaults));
}

TEST(MilterChecks, BannedHeloNamesAndTheSwitch) {
    smtp_limits l;
    l.banned_helo = {"mx.sift.test"};
    EXPECT_TRUE(check_helo("MX.Sift.Test", l));
    l.refuse_bogus_helo = false;
    EXPECT_FALSE(check_helo("localhost", l));
    EXPECT_TRUE(check_helo("mx.sift.test", l));  // banned stays banned
}

TEST(MilterChecks, DeclaredAndActualSize) {
    smtp_limits l;
    l.max_message_size = 1000;
    const smtp_reply big{552, "5.3.4", "Message size exceeds fixed maximum message size"};
    EXPECT_EQ(check_declared_size({"BODY=8BITMIME", "SIZE=1001"}, l), big);
    EXPECT_EQ(check_declared_size({"size=99999999999999999999999"}, l), big);  // overflows: larger
    EXPECT_FALSE(check_declared_size({"SIZE=1000"}, l));
    EXPECT_FALSE(check_declared_size({"SIZE=abc"}, l));  // not a size: the actual one decides
    EXPECT_FALSE(check_size(1000, l));
    EXPECT_EQ(check_size(1001, l), big);
    EXPECT_FALSE(check_declared_size({"SIZE=210763776"}, defaults));
    EXPECT_TRUE(check_declared_size({"SIZE=210763777"}, defaults));
    l.max_message_size = 0;
    EXPECT_FALSE(check_size(1ull << 40, l));
}

TEST(MilterChecks, TheHundredAndFirstRecipient) {
    EXPECT_FALSE(check_recipient_count(99, defaults));
    EXPECT_EQ(check_recipient_count(100, defaults), (smtp_reply{452, "4.5.3", "Too many recipients"}));
}

TEST(MilterChecks, EightBitHeadersNeedSmtputf8) {
    EXPECT_TRUE(declares_smtputf8({"BODY=8BITMIME", "smtputf8"}));
    EXPECT_FALSE(declares_smtputf8({"BODY=8BITMIME"}));
    auto r = check_header_bytes("Subject",
                                "Gr\xC3\xBC\xC3\x9F"
                                "e",
                                false, defaults);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->code, 550);
    EXPECT_EQ(r->text, "The message contains a Unicode character in a disallowed header");
    EXPECT_FALSE(check_header_bytes("Subject", "=?utf-8?q?Gr=C3=BC=C3=9Fe?=", false, defaults));
    EXPECT_FALSE(check_header_bytes("Subject", "Gr\xC3\xBC\xC3\x9F", true, defaults));
    smtp_limits l;
    l.refuse_8bit_headers = false;
    EXPECT_FALSE(check_header_bytes("Subject", "\xFF", false, l));
}

}  // namespace
}  // namespace sift::milter

namespace sift::milter {
namespace {

// What each reply line costs on the wire: "550-5.7.1 " or "550 5.7.1 ",
// the text, CRLF.
std::size_t wire(const std::string& line, std::string_view enhanced) {
    return 4 + enhanced.size() + 1 + line.size() + 2;
}

TEST(MilterReply, AShortReasonIsOneLine) {
    EXPECT_EQ(reply_lines("Message rejected: spam", "5.7.1"),
              std::vector<std::string>{"Message rejected: spam"});
    EXPECT_EQ(reply_lines("", "5.7.1"), std::vector<std::string>{""});
    EXPECT_EQ(reply_lines("tab\there\r\nand a line", "5.7.1"),
              std::vector<std::string>{"tab here and a line"});
}

TEST(MilterReply, ALongReasonIsSplitBetweenWordsWithinTheLineLimit) {
    // 300 words "word000" ... "word299": 2,399 bytes of text.
    std::string text;
    for (int i = 0; i < 300; ++i)
        text += (i ? " word" : "word") + std::string(i < 10 ? "00" : i < 100 ? "0" : "") + std::to_string(i);
    auto lines = reply_lines(text, "5.7.1");
    ASSERT_EQ(lines.size(), 5u);  // 62 words a line (below)
    std::string joined;
    for (const auto& l : lines) {
        EXPECT_LE(wire(l, "5.7.1"), max_reply_line) << l;
        EXPECT_NE(l.front(), ' ');
        EXPECT_NE(l.back(), ' ');
        joined += (joined.empty() ? "" : " ") + l;
    }
    EXPECT_EQ(joined, text);
    // The budget is 512 - "550-5.7.1 " (10) - CRLF (2) = 500 bytes: 62 words
    // (62 * 8 - 1 = 495) fit, a 63rd (503) does not.
    EXPECT_EQ(lines[0].size(), 495u);
    EXPECT_EQ(lines[0].substr(lines[0].size() - 7), "word061");
}

TEST(MilterReply, AWordLongerThanALineIsCut) {
    auto lines = reply_lines("see " + std::string(1200, 'x') + " end", "5.7.1");
    std::vector<std::string> want = {"see", std::string(500, 'x'), std::string(500, 'x'),
                                     std::string(200, 'x') + " end"};
    EXPECT_EQ(lines, want);
}

TEST(MilterReply, PercentIsDoubledAndCountedTwice) {
    EXPECT_EQ(reply_lines("100% spam", "5.7.1"), std::vector<std::string>{"100%% spam"});
    // 300 '%' are 600 bytes on the wire: 250 on the first line, 50 on the next.
    auto lines = reply_lines(std::string(300, '%'), "5.7.1");
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[0], std::string(500, '%'));
    EXPECT_EQ(lines[1], std::string(100, '%'));
}

TEST(MilterReply, MoreThanThirtyTwoLinesEndWithDots) {
    std::string text;
    for (int i = 0; i < 40 * 50; ++i) text += "abcdefghi ";  // 40 lines of 50 words
    auto lines = reply_lines(text, "4.3.0");
    ASSERT_EQ(lines.size(), 32u);
    EXPECT_TRUE(lines.back().ends_with("..."));
    for (const auto& l : lines) EXPECT_LE(wire(l, "4.3.0"), max_reply_line);
}

}  // namespace
}  // namespace sift::milter
