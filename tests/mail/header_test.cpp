// RFC 5322 §2.2 header fields, folding (§2.2.3) and the header index.
#include "mail/message.hpp"
#include "test_util.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace sift::mail {
namespace {

using test::crlf;

std::vector<std::string> values_of(const message& m, std::string_view name) {
    std::vector<std::string> out;
    for (const header_field* f : m.find(name)) {
        out.push_back(message::unfold(f->value));
    }
    return out;
}

class header_endings : public ::testing::TestWithParam<bool> {
protected:
    std::string text(std::string_view lf) const { return GetParam() ? crlf(lf) : std::string(lf); }
};

TEST_P(header_endings, folded_values_unfold_to_one_line) {
    auto m = message::parse(text("Subject: This\n is a test\nX-Tab: a\n\tb\n\nbody\n"));
    EXPECT_EQ(values_of(m, "subject"), std::vector<std::string>{"This is a test"});
    EXPECT_EQ(values_of(m, "x-tab"), std::vector<std::string>{"a\tb"});
    EXPECT_EQ(m.body(), text("body\n"));
}

TEST_P(header_endings, value_starting_on_the_next_line) {
    auto m = message::parse(text("Subject:\n  hello\n world\n\n"));
    EXPECT_EQ(values_of(m, "Subject"), std::vector<std::string>{"hello world"});
}

TEST_P(header_endings, raw_value_keeps_folding_and_drops_line_end) {
    auto m = message::parse(text("A: x\n y\nB:z\n\n"));
    ASSERT_EQ(m.headers().size(), 2u);
    EXPECT_EQ(m.headers()[0].name, "A");
    EXPECT_EQ(m.headers()[0].value, text(" x\n y"));
    EXPECT_EQ(m.headers()[1].value, "z");
}

INSTANTIATE_TEST_SUITE_P(line_endings, header_endings, ::testing::Values(false, true));

TEST(unfold, removes_line_breaks_and_trims) {
    EXPECT_EQ(message::unfold(" a\r\n b \t"), "a b");
    EXPECT_EQ(message::unfold("\r\n\tx"), "x");
    EXPECT_EQ(message::unfold("a\n\n b"), "a b");
    EXPECT_EQ(message::unfold(""), "");
    EXPECT_EQ(message::unfold(" \t "), "");
}

TEST(unfold, scratch_form_returns_a_view_into_the_value_when_it_can) {
    std::string scratch;
    std::string_view value = "  plain  ";
    std::string_view u = message::unfold(value, scratch);
    EXPECT_EQ(u, "plain");
    EXPECT_EQ(u.data(), value.data() + 2);
    EXPECT_EQ(message::unfold("a\r\n b", scratch), "a b");
}

// unfold finds CR and LF sixteen bytes a step, the last step overlapping
// the one before, and bytewise under 16: a line break at every place of
// values of every length up to 40, and two of them, against dropping each
// CR and LF one by one.
TEST(unfold, line_breaks_at_every_offset_against_a_bytewise_unfold) {
    auto reference = [](std::string_view v) {
        std::string out;
        for (char c : v)
            if (c != '\r' && c != '\n') out += c;
        return std::string(trim_wsp(out));
    };
    std::string scratch;
    for (std::size_t n = 0; n <= 40; ++n) {
        std::string plain;
        for (std::size_t i = 0; i < n; ++i) plain += char('a' + (i % 26));
        EXPECT_EQ(message::unfold(plain, scratch), plain);
        for (std::size_t i = 0; i < n; ++i) {
            for (std::string_view brk : {"\n", "\r", "\r\n \t"}) {
                std::string v = plain;
                v.replace(i, 1, brk);
                EXPECT_EQ(message::unfold(v, scratch), reference(v)) << n << " " << i;
                for (std::size_t j = i + brk.size(); j < v.size(); j += 5) {
                    std::string w = v;
                    w[j] = '\n';
                    EXPECT_EQ(message::unfold(w, scratch), reference(w)) << n << " " << i << " " << j;
                }
            }
        }
    }
}

// iequals compares eight bytes a step (and short names in overlapping
// halves): every length up to 40, a difference at every place, against
// the bytewise definition. The pairs that differ by 0x20 but are not
// letters ('@'/'`', '['/'{', non-ASCII bytes) must stay unequal.
TEST(iequals, agrees_with_the_bytewise_definition) {
    auto reference = [](std::string_view a, std::string_view b) {
        if (a.size() != b.size()) return false;
        for (std::size_t i = 0; i < a.size(); ++i)
            if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
        return true;
    };
    const std::string alphabet = "AbCdEfGhIjKlMnOpQrStUvWxYz-0123456789@[`{\x7f\xc1\xe1";
    const std::vector<std::pair<char, char>> swaps{{'a', 'A'},       {'z', 'Z'}, {'@', '`'}, {'[', '{'},
                                                   {'\xc1', '\xe1'}, {'-', '.'}, {'Z', '['}, {'A', '@'}};
    for (std::size_t n = 0; n <= 40; ++n) {
        std::string a;
        for (std::size_t i = 0; i < n; ++i) a += alphabet[(i * 7 + n) % alphabet.size()];
        std::string upper = a, lower = a;
        for (auto& c : upper) c = (c >= 'a' && c <= 'z') ? char(c - 32) : c;
        for (auto& c : lower) c = ascii_lower(c);
        EXPECT_TRUE(iequals(a, upper)) << a;
        EXPECT_TRUE(iequals(lower, a)) << a;
        EXPECT_FALSE(iequals(a, a + "x")) << a;
        for (std::size_t i = 0; i < n; ++i) {
            for (auto [from, to] : swaps) {
                std::string b = a;
                b[i] = from;
                std::string c = a;
                c[i] = to;
                EXPECT_EQ(iequals(b, c), reference(b, c)) << b << " / " << c;
                EXPECT_EQ(iequals(c, b), reference(c, b)) << c << " / " << b;
            }
        }
    }
    EXPECT_TRUE(iequals("", ""));
    EXPECT_TRUE(iequals("Content-Transfer-Encoding", "content-transfer-encoding"));
    EXPECT_FALSE(iequals("Content-Transfer-Encoding", "content-transfer-encodinG-"));
    EXPECT_FALSE(iequals("X-Spam-Flag", "X-Spam-Flaf"));
}

TEST(header_index, lookup_is_case_insensitive_and_keeps_order) {
    auto m = message::parse(crlf("Received: one\nTo: a@x\nRECEIVED: two\nreceived: three\n\n"));
    EXPECT_EQ(values_of(m, "received"), (std::vector<std::string>{"one", "two", "three"}));
    EXPECT_EQ(values_of(m, "rEcEiVeD").size(), 3u);
    EXPECT_EQ(m.count("Received"), 3u);
    EXPECT_EQ(m.count("Receive"), 0u);
    ASSERT_NE(m.first("received"), nullptr);
    EXPECT_EQ(m.first("received")->value, " one");
    EXPECT_EQ(m.first("cc"), nullptr);
    EXPECT_TRUE(m.find("x-none").empty());
}

// The index chains each name's fields by bucket: every lookup finds what a
// walk over all the fields finds, in order, on a parsed message and on one
// built field by field (the milter's way, looked up between the adds), and
// after the message is moved.
TEST(header_index, lookups_agree_with_a_walk_over_every_field) {
    std::vector<std::string> names;
    for (int i = 0; i < 40; ++i) names.push_back("X-Name-" + std::to_string(i * 7919 % 1000));
    names.insert(names.end(), {"Received", "From", "To", "Subject", "a", "B", "x-name-0"});
    auto walk = [](const message& m, const std::string& name) {
        std::vector<const header_field*> out;
        for (const auto& h : m.headers())
            if (iequals(h.name, name)) out.push_back(&h);
        return out;
    };
    auto check = [&](const message& m) {
        for (const auto& n : names) {
            ASSERT_EQ(m.find(n), walk(m, n)) << n;
            EXPECT_EQ(m.count(n), walk(m, n).size()) << n;
        }
        EXPECT_TRUE(m.find("X-Absent").empty());
    };
    std::string text;
    message built;
    for (int i = 0; i < 300; ++i) {
        std::string name = names[std::size_t(i * 31 + i / 7) % names.size()];
        if (i % 3 == 0) name = ascii_lower(name);
        text += name + ": v" + std::to_string(i) + "\r\n";
        built.add_header(name, " v" + std::to_string(i));
        if (i % 50 == 0) check(built);
    }
    auto parsed = message::parse(text + "\r\nbody\r\n");
    ASSERT_EQ(parsed.headers().size(), 300u);
    check(parsed);
    check(built);
    message moved = std::move(built);
    check(moved);
    EXPECT_EQ(moved.count("received"), parsed.count("RECEIVED"));
}

TEST(header_index, precomputed_names) {
    auto m = message::parse("Subject: a\nX-Y: b\n\n");
    constexpr field_name subject("SUBJECT");
    static_assert(subject.key == name_key("subject"));
    EXPECT_EQ(m.first(subject)->value, " a");
    std::string dynamic = "x-y";
    EXPECT_EQ(m.first(dynamic)->value, " b");
    EXPECT_EQ(m.mime().header(dynamic)->value, " b");
}

TEST(header_index, for_each_can_stop_early) {
    auto m = message::parse("A: 1\nA: 2\nA: 3\n\n");
    int seen = 0;
    bool finished = m.for_each("a", [&](const header_field&) { return ++seen < 2; });
    EXPECT_FALSE(finished);
    EXPECT_EQ(seen, 2);
}

TEST(header_index, whitespace_before_colon_is_not_part_of_the_name) {
    auto m = message::parse("Subject \t: obsolete\n\n");  // RFC 5322 §4.5.3
    EXPECT_EQ(values_of(m, "subject"), std::vector<std::string>{"obsolete"});
}

TEST(header_index, empty_value) {
    auto m = message::parse("X-Empty:\nX-Blank:   \n\n");
    EXPECT_EQ(values_of(m, "x-empty"), std::vector<std::string>{""});
    EXPECT_EQ(values_of(m, "x-blank"), std::vector<std::string>{""});
}

TEST(malformed, line_without_colon_starts_the_body) {
    auto m = message::parse("A: 1\nthis is not a header\nB: 2\n\nbody");
    ASSERT_EQ(m.headers().size(), 1u);
    EXPECT_EQ(m.body(), "this is not a header\nB: 2\n\nbody");
}

TEST(malformed, message_without_headers) {
    auto m = message::parse("\r\nbody only\r\n");
    EXPECT_TRUE(m.headers().empty());
    EXPECT_EQ(m.body(), "body only\r\n");
}

TEST(malformed, header_block_starting_with_the_body) {
    auto m = message::parse("Hello Anna,\nhow are you?\n");
    EXPECT_TRUE(m.headers().empty());
    EXPECT_EQ(m.body(), "Hello Anna,\nhow are you?\n");
}

TEST(malformed, continuation_without_a_field_starts_the_body) {
    auto m = message::parse(" indented\nA: 1\n\n");
    EXPECT_TRUE(m.headers().empty());
    EXPECT_EQ(m.body(), " indented\nA: 1\n\n");
}

TEST(malformed, no_blank_line_means_no_body) {
    auto m = message::parse("A: 1\r\nB: 2");
    ASSERT_EQ(m.headers().size(), 2u);
    EXPECT_EQ(m.headers()[1].value, " 2");
    EXPECT_EQ(m.body(), "");
}

TEST(malformed, mixed_line_endings) {
    auto m = message::parse("A: 1\r\nB: 2\n\tmore\r\nC: 3\n\r\nbody");
    EXPECT_EQ(values_of(m, "b"), std::vector<std::string>{"2\tmore"});
    EXPECT_EQ(values_of(m, "c"), std::vector<std::string>{"3"});
    EXPECT_EQ(m.body(), "body");
}

TEST(malformed, empty_message) {
    auto m = message::parse("");
    EXPECT_TRUE(m.headers().empty());
    EXPECT_EQ(m.body(), "");
    EXPECT_EQ(m.mime().type, "text");
}

TEST(limits, fields_past_max_headers_are_not_indexed) {
    message_limits limits;
    limits.max_headers = 2;
    auto m = message::parse("A: 1\nB: 2\nC: 3\n\nbody", limits);
    EXPECT_EQ(m.headers().size(), 2u);
    EXPECT_EQ(m.first("c"), nullptr);
    EXPECT_EQ(m.body(), "body");
}

TEST(limits, long_values_are_cut_at_max_header_bytes) {
    message_limits limits;
    limits.max_header_bytes = 4;
    auto m = message::parse("A: 123456\n 789\nB: 2\n\n", limits);
    ASSERT_EQ(m.headers().size(), 2u);
    EXPECT_EQ(m.headers()[0].value, " 123");
    EXPECT_EQ(m.headers()[1].value, " 2");
}

}  // namespace
}  // namespace sift::mail
