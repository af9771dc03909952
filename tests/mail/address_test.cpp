// RFC 5322 §3.4 address lists and RFC 5321 §4.1.2 paths.
#include "mail/address.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace sift::mail {
namespace {

std::vector<std::string> alls(std::string_view value) {
    std::vector<std::string> out;
    for (const address& a : parse_address_list(value)) {
        out.push_back(a.all());
    }
    return out;
}

using strings = std::vector<std::string>;

TEST(address_list, plain_and_named) {
    auto v = parse_address_list("anna@example.com, Bob Smith <bob@example.org>");
    ASSERT_EQ(v.size(), 2u);
    EXPECT_TRUE(v[0].valid);
    EXPECT_EQ(v[0].local_part, "anna");
    EXPECT_EQ(v[0].domain, "example.com");
    EXPECT_EQ(v[0].display_name, "");
    EXPECT_EQ(v[1].display_name, "Bob Smith");
    EXPECT_EQ(v[1].all(), "bob@example.org");
    EXPECT_EQ(v[1].text, "Bob Smith <bob@example.org>");
}

// RFC 5322 Appendix A.1.2 and A.1.3.
TEST(address_list, rfc5322_appendix_a) {
    auto v = parse_address_list(
        "\"Joe Q. Public\" <john.q.public@example.com>, Mary Smith <mary@x.test>, "
        "jdoe@example.org, Who? <one@y.test>");
    ASSERT_EQ(v.size(), 4u);
    EXPECT_EQ(v[3].display_name, "Who?");  // '?' is atext
    EXPECT_EQ(v[3].all(), "one@y.test");
    EXPECT_EQ(v[0].display_name, "Joe Q. Public");
    EXPECT_EQ(v[0].all(), "john.q.public@example.com");
    EXPECT_EQ(v[1].all(), "mary@x.test");
    EXPECT_EQ(v[2].all(), "jdoe@example.org");
    EXPECT_EQ(alls("<boss@nil.test>, \"Giant; \\\"Big\\\" Box\" <sysservices@example.net>"),
              (strings{"boss@nil.test", "sysservices@example.net"}));
    auto g = parse_address_list("A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;");
    ASSERT_EQ(g.size(), 3u);
    EXPECT_EQ(g[0].display_name, "Ed Jones");
    EXPECT_EQ(g[1].all(), "joe@where.test");
    EXPECT_EQ(g[2].all(), "jdoe@one.test");
}

TEST(address_list, groups) {
    EXPECT_TRUE(parse_address_list("undisclosed-recipients:;").empty());
    EXPECT_EQ(alls("team: a@x, b@y;"), (strings{"a@x", "b@y"}));
    EXPECT_EQ(alls("team: a@x, b@y; c@z"), (strings{"a@x", "b@y", "c@z"}));
    EXPECT_EQ(alls("team: a@x"), (strings{"a@x"}));  // no closing ';'
    EXPECT_EQ(alls("tukkers: henk@tukkerland.ex, theo@tukkerland.ex, frits@tukkerland.ex;"),
              (strings{"henk@tukkerland.ex", "theo@tukkerland.ex", "frits@tukkerland.ex"}));
}

TEST(address_list, quoted_local_part) {
    auto v = parse_address_list("\"john doe\"@example.com");
    ASSERT_EQ(v.size(), 1u);
    EXPECT_TRUE(v[0].valid);
    EXPECT_EQ(v[0].local_part, "john doe");
    EXPECT_EQ(v[0].all(), "\"john doe\"@example.com");
    auto w = parse_address_list("\"a\\\"b\\\\c\"@example.com");
    EXPECT_EQ(w.at(0).local_part, "a\"b\\c");
    EXPECT_EQ(w.at(0).all(), "\"a\\\"b\\\\c\"@example.com");
    EXPECT_EQ(parse_address_list("\"sirius\"@example.org").at(0).all(), "sirius@example.org");
    EXPECT_EQ(parse_address_list("\"a@b\"@example.org").at(0).local_part, "a@b");
}

TEST(address_list, comments_anywhere) {
    auto v = parse_address_list("anna@example.com (Anna)");
    ASSERT_EQ(v.size(), 1u);
    EXPECT_EQ(v[0].all(), "anna@example.com");
    EXPECT_EQ(v[0].text, "anna@example.com (Anna)");
    EXPECT_EQ(alls("stephan(the author)@example.com"), (strings{"stephan@example.com"}));
    EXPECT_EQ(alls("(a (nested) comment) x@(c)y.test (more, here)"), (strings{"x@y.test"}));
    // RFC 5322 A.5.
    auto p = parse_address_list("Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>");
    ASSERT_EQ(p.size(), 1u);
    EXPECT_EQ(p[0].display_name, "Pete");
    EXPECT_EQ(p[0].all(), "pete@silly.test");
}

TEST(address_list, display_names) {
    EXPECT_EQ(parse_address_list("\"Smith, John\" <j@s.test>").at(0).display_name, "Smith, John");
    EXPECT_EQ(parse_address_list("=?utf-8?q?J=C3=BCrgen?= <j@x.test>").at(0).display_name, "J\u00fcrgen");
    EXPECT_EQ(parse_address_list("John  Q.  Public <j@x.test>").at(0).display_name, "John Q. Public");
    // Not two addresses: what MUAs show as the sender's name.
    auto v = parse_address_list("service@paypal.com <evil@bad.test>");
    ASSERT_EQ(v.size(), 1u);
    EXPECT_EQ(v[0].display_name, "service@paypal.com");
    EXPECT_EQ(v[0].all(), "evil@bad.test");
}

TEST(address_list, obsolete_route_is_dropped) {
    auto v = parse_address_list("<@route1,@route2:user@host>");
    ASSERT_EQ(v.size(), 1u);
    EXPECT_TRUE(v[0].valid);
    EXPECT_EQ(v[0].all(), "user@host");
}

TEST(address_list, missing_commas) {
    EXPECT_EQ(alls("a@x b@y"), (strings{"a@x", "b@y"}));
    EXPECT_EQ(alls("A <a@x> B <b@y>"), (strings{"a@x", "b@y"}));
    EXPECT_EQ(alls("a@x,,, ,b@y,"), (strings{"a@x", "b@y"}));
}

TEST(address_list, domain_literal) {
    auto v = parse_address_list("user@[1.2.3.4]");
    ASSERT_EQ(v.size(), 1u);
    EXPECT_TRUE(v[0].valid);
    EXPECT_EQ(v[0].domain, "[1.2.3.4]");
    EXPECT_EQ(v[0].all(), "user@[1.2.3.4]");
}

TEST(address_list, invalid_addresses_keep_their_text) {
    // The cases of Pigeonhole's "Invalid addresses" test (RFC 5228 §2.7.4).
    for (std::string_view s :
         {"stephan@", "@example.org", "nonsense", "a@b@c", "a..b@c", "<a@b", ".a@b", "a@b.", "Anna <user>"}) {
        auto v = parse_address_list(s);
        ASSERT_EQ(v.size(), 1u) << s;
        EXPECT_FALSE(v[0].valid) << s;
        EXPECT_EQ(v[0].all(), s);
    }
    auto v = parse_address_list("nico@frop.example.com, @example.org");
    ASSERT_EQ(v.size(), 2u);
    EXPECT_TRUE(v[0].valid);
    EXPECT_FALSE(v[1].valid);
}

TEST(address_list, garbage_never_crashes) {
    for (std::string_view s : {"<<<@@", "\"unterminated", "(unterminated", "[1.2", ">>>", ";;:,", "<>", "@",
                               "\\", "a@\"b\"", "<@a:>", "<@a", "::;;", "\"", "("}) {
        for (const address& a : parse_address_list(s)) {
            EXPECT_FALSE(a.valid) << s;
        }
    }
    EXPECT_EQ(parse_address_list("\"unterminated").at(0).text, "\"unterminated");
    EXPECT_EQ(parse_address_list("<<<@@").at(0).all(), "<<<@@");
}

// A control character or DEL is neither atext nor a special: the lexer once
// made an empty token of it without moving on and never stopped.
TEST(address_list, control_characters_end_and_are_invalid) {
    for (char c : {'\x01', '\x08', '\x0b', '\x1f', '\x7f'}) {
        std::string bad = std::string("an") + c + "na@example.com";
        auto v = parse_address_list(bad);
        ASSERT_EQ(v.size(), 1u) << int(c);
        EXPECT_FALSE(v[0].valid) << int(c);
        EXPECT_EQ(v[0].all(), bad);
        auto w = parse_address_list("anna@example.com, " + std::string(1, c) + ", bob@example.org");
        ASSERT_EQ(w.size(), 3u) << int(c);
        EXPECT_TRUE(w[0].valid);
        EXPECT_FALSE(w[1].valid);
        EXPECT_TRUE(w[2].valid);
    }
    for (int c = 0; c < 256; ++c) {  // every byte, anywhere in a mailbox, in a path
        std::string b(1, static_cast<char>(c));
        for (const std::string& s : {b, "a" + b + "@x", "a@" + b + "x", "\"" + b + "\" <a@x" + b + ">"}) {
            EXPECT_LE(parse_address_list(s).size(), 2u) << c;
            (void)parse_path(s);
        }
    }
}

TEST(address_list, empty_values) {
    EXPECT_TRUE(parse_address_list("").empty());
    EXPECT_TRUE(parse_address_list("   ").empty());
    EXPECT_TRUE(parse_address_list(" , ,").empty());
    EXPECT_TRUE(parse_address_list("(just a comment)").empty());
}

TEST(address_list, eight_bit_is_allowed) {  // RFC 6532
    auto v = parse_address_list("j\u00fcrgen@b\u00fccher.example");
    ASSERT_EQ(v.size(), 1u);
    EXPECT_TRUE(v[0].valid);
    EXPECT_EQ(v[0].local_part, "j\u00fcrgen");
}

// is_dot_atom in one pass against its definition (no empty atom: no dot
// first, last or after a dot; every other byte atext), over every string
// of up to four bytes from an alphabet with a dot, specials, WSP, a
// control and an 8-bit byte.
TEST(address_list, dot_atom_edges) {
    auto slow = [](std::string_view s) {
        if (s.empty() || s.front() == '.' || s.back() == '.' || s.find("..") != std::string_view::npos)
            return false;
        return std::all_of(s.begin(), s.end(), [](char c) {
            auto u = static_cast<unsigned char>(c);
            return c == '.' || (u > ' ' && u != 127 &&
                                std::string_view("()<>[]:;@\\,.\"").find(c) == std::string_view::npos);
        });
    };
    const std::string alphabet = std::string("a.@ \x01\xc3-") + '"';
    std::vector<std::string> all{""};
    for (std::size_t n = 0, from = 0; n < 4; ++n) {
        std::size_t to = all.size();
        for (std::size_t i = from; i < to; ++i)
            for (char c : alphabet) all.push_back(all[i] + c);
        from = to;
    }
    for (const auto& s : all) EXPECT_EQ(is_dot_atom(s), slow(s)) << "\"" << s << "\"";
    EXPECT_TRUE(is_dot_atom("john.q.public"));
    EXPECT_FALSE(is_dot_atom("john..public"));
}

// The one-pass path writes into the address it returns; a value it declines
// late (an encoded word in the display name) is the general parser's alone.
TEST(address_list, plain_path_declined_late_leaves_nothing) {
    for (std::string_view v : {"=?utf-8?q?A?= <a@b.example>", "\"=?utf-8?q?A?=\" <a@b.example>"}) {
        auto list = parse_address_list(v);
        ASSERT_EQ(list.size(), 1u) << v;
        EXPECT_EQ(list[0].display_name, "A") << v;
        EXPECT_EQ(list[0].all(), "a@b.example") << v;
        EXPECT_EQ(list[0].text, v) << v;
    }
    auto p = parse_path("<a.b@c.example>");
    ASSERT_TRUE(p);
    EXPECT_TRUE(p->valid);
    EXPECT_EQ(p->text, "a.b@c.example");
    EXPECT_EQ(p->all(), "a.b@c.example");
}

TEST(path, forms) {
    EXPECT_EQ(parse_path(""), std::nullopt);
    EXPECT_EQ(parse_path("<>"), std::nullopt);
    auto a = parse_path("<anna@example.com>");
    ASSERT_TRUE(a);
    EXPECT_TRUE(a->valid);
    EXPECT_EQ(a->all(), "anna@example.com");
    EXPECT_EQ(parse_path("anna@Example.COM")->domain, "Example.COM");
    EXPECT_EQ(parse_path("<@a.test,@b.test:user@host.test>")->all(), "user@host.test");
    EXPECT_EQ(parse_path("<\"S[r]us\"@example.net>")->all(), "\"S[r]us\"@example.net");
    auto bad = parse_path("<not an address>");
    ASSERT_TRUE(bad);
    EXPECT_FALSE(bad->valid);
    EXPECT_EQ(bad->all(), "not an address");
}

}  // namespace
}  // namespace sift::mail
