// The plain-mailbox path of parse_address_list against the general
// parser: on generated values, many of them plain ("a@b", "Name <a@b>"),
// many almost plain (a dot too many, a quote, a comment, a control byte,
// an encoded word), the two must give the same addresses, field by field.
#include "mail/address.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace sift::mail {
namespace {

void expect_same(std::string_view value) {
    auto fast = parse_address_list(value);
    auto general = parse_address_list_general(value);
    ASSERT_EQ(fast.size(), general.size()) << ::testing::PrintToString(std::string(value));
    for (std::size_t i = 0; i < fast.size(); ++i) {
        SCOPED_TRACE(::testing::PrintToString(std::string(value)));
        EXPECT_EQ(fast[i].display_name, general[i].display_name);
        EXPECT_EQ(fast[i].local_part, general[i].local_part);
        EXPECT_EQ(fast[i].domain, general[i].domain);
        EXPECT_EQ(fast[i].text, general[i].text);
        EXPECT_EQ(fast[i].valid, general[i].valid);
        EXPECT_EQ(fast[i].all(), general[i].all());
    }
    // The views form: when it answers, the value is that one valid
    // address, and "local@domain" (its :all) lies in the value as one view.
    std::string_view local_part, domain;
    if (plain_mailbox_parts(value, local_part, domain)) {
        SCOPED_TRACE(::testing::PrintToString(std::string(value)));
        ASSERT_EQ(general.size(), 1u);
        EXPECT_TRUE(general[0].valid);
        EXPECT_EQ(local_part, general[0].local_part);
        EXPECT_EQ(domain, general[0].domain);
        ASSERT_GE(local_part.data(), value.data());
        ASSERT_LE(domain.data() + domain.size(), value.data() + value.size());
        EXPECT_EQ(domain.data(), local_part.data() + local_part.size() + 1);
        EXPECT_EQ(std::string_view(local_part.data(), local_part.size() + 1 + domain.size()),
                  general[0].all());
    }
}

void expect_same_path(std::string_view path) {
    auto fast = parse_path(path);
    auto general = parse_path_general(path);
    SCOPED_TRACE(::testing::PrintToString(std::string(path)));
    ASSERT_EQ(fast.has_value(), general.has_value());
    if (!fast) return;
    EXPECT_EQ(fast->display_name, general->display_name);
    EXPECT_EQ(fast->local_part, general->local_part);
    EXPECT_EQ(fast->domain, general->domain);
    EXPECT_EQ(fast->text, general->text);
    EXPECT_EQ(fast->valid, general->valid);
    EXPECT_EQ(fast->all(), general->all());
}

std::string pick(std::mt19937& rng, const std::vector<std::string>& from) {
    return from[rng() % from.size()];
}

std::string generated_value(std::mt19937& rng) {
    static const std::vector<std::string> locals = {"anna",
                                                    "eva.silva",
                                                    "a+lists",
                                                    "x_y-z",
                                                    "o'brien",
                                                    "1",
                                                    "a..b",
                                                    ".a",
                                                    "a.",
                                                    "\"quoted local\"",
                                                    "caf\xc3\xa9",
                                                    "a\x01"
                                                    "b",
                                                    "a b",
                                                    "",
                                                    "a=?b",
                                                    "!#$%&'*+/=?^_`{|}~",
                                                    "a\\b"};
    static const std::vector<std::string> domains = {
        "example.com", "x",    "a.b.c", "[192.0.2.1]",   "ex ample.org", "b.",
        ".b",          "b..c", "",      "d\xc3\xa9.org", "d(comment)"};
    static const std::vector<std::string> names = {"",
                                                   "Eva",
                                                   "Eva Silva",
                                                   "Eva  \t Silva",
                                                   "\"Eva Silva\"",
                                                   "\"\"",
                                                   "\"a\\\"b\"",
                                                   "J. Smith",
                                                   "=?utf-8?q?Ana?=",
                                                   "\"=?utf-8?q?Ana?=\"",
                                                   "\"x\x01y\"",
                                                   "\"tab\there\"",
                                                   "Caf\xc3\xa9",
                                                   "a@b",
                                                   "\"unclosed",
                                                   "(c) Eva",
                                                   "Eva:",
                                                   "\"Eva\" Silva"};
    static const std::vector<std::string> spaces = {"", " ", "  ", "\t", " \t "};
    std::string addr = pick(rng, locals) + (rng() % 10 ? "@" : "") + pick(rng, domains);
    std::string out;
    switch (rng() % 6) {
        case 0:
        case 1:
            out = addr;
            break;
        case 2:
            out = "<" + addr + ">";
            break;
        default:
            out = pick(rng, names) + pick(rng, spaces) + "<" + addr + ">";
    }
    switch (rng() % 12) {
        case 0:
            out += ", " + pick(rng, locals) + "@" + pick(rng, domains);
            break;
        case 1:
            out += " (a comment)";
            break;
        case 2:
            out += ">";
            break;
        case 3:
            out = "group: " + out + ";";
            break;
        default:
            break;
    }
    return pick(rng, spaces) + out + pick(rng, spaces);
}

TEST(address_plain, agrees_with_the_general_parser_on_generated_values) {
    std::mt19937 rng(4155);
    for (int i = 0; i < 50000; ++i) expect_same(generated_value(rng));
}

TEST(address_plain, agrees_on_hand_picked_values) {
    for (const char* v : {"anna@example.com",
                          " anna@example.com ",
                          "<anna@example.com>",
                          "Anna <a@b>",
                          "Anna<a@b>",
                          "\"Anna B\" <a@b>",
                          "\"Anna B\"<a@b>",
                          "Anna  B <a@b>",
                          "a@b <c@d>",
                          "\"\" <a@b>",
                          "<a@b> ",
                          "<>",
                          "<@>",
                          "a@",
                          "@b",
                          "a@b@c",
                          "Anna <a@b> x",
                          "Anna <a@b>>",
                          "Anna <<a@b>",
                          "Anna <a@b.>",
                          "\"A\" \"B\" <a@b>",
                          "A\x80 <a@b>",
                          "a@b\r\n",
                          "\r\na@b"})
        expect_same(v);
}

// Each byte value at each place of a plain value: the path either reads it
// as the general parser does or declines.
TEST(address_plain, every_byte_in_every_place) {
    const std::string plain = "\"Ann\" <ann.x@ex.org>";
    const std::string bare = "Ann B <a@b.c>";
    for (int c = 0; c < 256; ++c)
        for (const std::string* base : {&plain, &bare})
            for (std::size_t at = 0; at <= base->size(); ++at) {
                std::string v = *base;
                v.insert(at, 1, static_cast<char>(c));
                expect_same(v);
                v = *base;
                if (at < v.size()) {
                    v[at] = static_cast<char>(c);
                    expect_same(v);
                }
            }
}

// parse_path's one-pass path for "<local@domain>" against its general
// parser: the same generated values (most are no path at all, which the
// one-pass path must decline), and each byte in each place of a plain path.
TEST(address_plain, paths_agree_with_the_general_parser) {
    std::mt19937 rng(5321);
    for (int i = 0; i < 50000; ++i) expect_same_path(generated_value(rng));
    for (const char* v :
         {"<anna@example.com>", "anna@example.com", " <anna@example.com> ", "< anna@example.com >", "<>", "",
          "<<a@b>>", "<a@b", "a@b>", "<@a,@b:c@d>", "<a@b.>", "<MAILER-DAEMON>", "<a..b@c>", "<\"q\"@b>",
          "<[1.2.3.4]@b>", "<a@[192.0.2.1]>"})
        expect_same_path(v);
    const std::string plain = "<ann.x@ex.org>";
    for (int c = 0; c < 256; ++c)
        for (std::size_t at = 0; at <= plain.size(); ++at) {
            std::string v = plain;
            v.insert(at, 1, static_cast<char>(c));
            expect_same_path(v);
            v = plain;
            if (at < v.size()) {
                v[at] = static_cast<char>(c);
                expect_same_path(v);
            }
        }
}

}  // namespace
}  // namespace sift::mail
