// Building a message incrementally, moving it, and sharing it between threads.
#include "mail/message.hpp"
#include "test_util.hpp"

#include <sift/message.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <cctype>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace sift::mail {
namespace {

using test::crlf;

constexpr std::string_view whole =
    "From: anna@example.com\r\n"
    "Subject: hello\r\n"
    "\r\n"
    "text\r\n";

void expect_same_headers(const message& a, const message& b) {
    ASSERT_EQ(a.headers().size(), b.headers().size());
    for (std::size_t i = 0; i < a.headers().size(); ++i) {
        EXPECT_EQ(a.headers()[i].name, b.headers()[i].name);
        EXPECT_EQ(a.headers()[i].value, b.headers()[i].value);
    }
}

TEST(building, incremental_equals_parse) {
    message m;
    m.add_header("From", " anna@example.com");
    m.add_header("Subject", " hello");
    EXPECT_FALSE(m.headers_complete());
    m.end_headers();
    EXPECT_TRUE(m.headers_complete());
    m.append_body("te");
    m.append_body("xt\r\n");
    auto p = message::parse(std::string(whole));
    EXPECT_EQ(m.raw(), whole);
    EXPECT_EQ(m.size(), whole.size());
    EXPECT_EQ(m.body(), "text\r\n");
    expect_same_headers(m, p);
}

TEST(building, views_survive_the_buffer_growing) {
    message m;
    for (int i = 0; i < 200; ++i) {
        m.add_header("X-N", " " + std::to_string(i));
    }
    m.end_headers();
    for (int i = 0; i < 100; ++i) {
        m.append_body(std::string(1000, 'b'));
    }
    ASSERT_EQ(m.count("x-n"), 200u);
    EXPECT_EQ(m.headers()[0].value, " 0");
    EXPECT_EQ(m.headers()[199].value, " 199");
    EXPECT_EQ(m.body().size(), 100'000u);
}

// A header block that runs to the end without an empty line has no body
// (RFC 5173 tells it from an empty one).
TEST(parsing, header_only_message_has_no_body) {
    EXPECT_FALSE(message::parse("From: a@example.com\r\n").has_body());
    EXPECT_FALSE(message::parse("From: a@example.com").has_body());
    EXPECT_FALSE(message::parse("").has_body());
    EXPECT_TRUE(message::parse("From: a@example.com\r\n\r\n").has_body());
    EXPECT_TRUE(message::parse("From: a@example.com\n\n").has_body());
    EXPECT_TRUE(message::parse("\r\n").has_body());
    EXPECT_TRUE(message::parse(std::string(whole)).has_body());
    EXPECT_TRUE(message::parse("not a header line\r\n").has_body());  // all body
    message m;
    m.add_header("From", " a@example.com");
    EXPECT_FALSE(m.has_body());
    m.end_headers();
    EXPECT_TRUE(m.has_body());
}

TEST(building, body_before_end_headers_completes_them) {
    message m;
    m.add_header("A", " 1");
    m.append_body("x");
    m.add_header("B", " 2");  // too late: ignored
    EXPECT_EQ(m.raw(), "A: 1\r\n\r\nx");
    EXPECT_EQ(m.headers().size(), 1u);
}

TEST(building, mime_tree_follows_later_body_chunks) {
    message m;
    m.add_header("Content-Type", " text/plain");
    m.end_headers();
    EXPECT_EQ(m.mime().body, "");
    m.append_body("later");
    EXPECT_EQ(m.mime().body, "later");
}

// The MIME tree's root takes the header section the message split
// (parse(), view()) instead of splitting it again: the same fields and body
// as the root of parse_mime over the message's bytes, limits and all;
// after the message grew, the root splits its bytes again.
TEST(parsing, mime_root_takes_the_messages_split_header) {
    message_limits small;
    small.max_headers = 3;
    small.max_header_bytes = 8;
    const std::vector<std::string> raws = {
        std::string(whole),
        "From sender@example.org Mon Nov 23 07:00:00 2026\nFrom: a@example.com\nSubject: s\n\nbody\n",
        "A: 1\r\nB: 2\r\n folded\r\nnot a header line\r\nC: 3\r\n\r\nbody\r\n",
        "A: 1\r\nB: 2\r\nC: 3\r\nD: four is long\r\nE: 5\r\n\r\nbody\r\n",
        "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nX: 1\r\n\r\none\r\n--b--\r\n",
        "A: 1\r\nB: 2",
        "",
        "\r\nbody only\r\n",
    };
    auto same_root = [](const message& m, const message_limits& limits) {
        auto again = parse_mime(m.raw(), limits);
        const auto& root = m.mime();
        ASSERT_EQ(root.headers.size(), again.headers.size()) << m.raw();
        for (std::size_t i = 0; i < root.headers.size(); ++i) {
            EXPECT_EQ(root.headers[i].name, again.headers[i].name);
            EXPECT_EQ(root.headers[i].value, again.headers[i].value);
            EXPECT_EQ(root.headers[i].key, again.headers[i].key);
        }
        EXPECT_EQ(root.body, again.body) << m.raw();
        EXPECT_EQ(root.type, again.type);
        EXPECT_EQ(root.children.size(), again.children.size());
        defect_list a, b;
        collect_defects(root, a);
        collect_defects(again, b);
        ASSERT_EQ(a.size(), b.size());
        for (std::size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].detail, b[i].detail);
    };
    for (const auto& raw : raws) {
        for (const auto& limits : {message_limits{}, small}) {
            same_root(message::parse(raw, limits), limits);
            same_root(message::view(raw, limits), limits);
        }
    }
    // Grown after the split: "B: 2" is a header line of the bytes now.
    auto grown = message::parse("A: 1\r\n");
    grown.append_body("B: 2\r\n\r\nbody\r\n");
    same_root(grown, message_limits{});
    EXPECT_EQ(grown.mime().headers.size(), 2u);
}

// for_each skips the walk when no field's key_bit is the name's: it must
// still find every field of every name, in a parsed, a viewed, a built and
// a moved message (random names, which share bits), and nothing else.
TEST(parsing, lookups_find_every_field_whatever_the_key_bits) {
    std::mt19937 rng(5322);
    const std::string letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-0123456789";
    for (int round = 0; round < 200; ++round) {
        std::vector<std::string> names;
        for (int i = 0; i < 12; ++i) {
            std::string n;
            for (std::size_t len = 1 + rng() % 12; n.size() < len;) n += letters[rng() % letters.size()];
            names.push_back(n);
        }
        std::string raw;
        message built;
        for (int i = 0; i < 8; ++i) {
            const auto& n = names[rng() % 6];  // the first six only: the rest are absent
            raw += n + ": v" + std::to_string(i) + "\r\n";
            built.add_header(n, " v" + std::to_string(i));
        }
        raw += "\r\nbody\r\n";
        built.end_headers();
        auto parsed = message::parse(raw);
        auto viewed = message::view(raw);
        message moved = message::parse(raw);
        message target;
        target = std::move(moved);
        for (const message* m : {&parsed, &viewed, &built, &target}) {
            for (const auto& n : names) {
                std::size_t expected = 0;
                for (const auto& h : m->headers()) expected += iequals(h.name, n) ? 1 : 0;
                std::string upper = n;
                for (auto& c : upper) c = char(std::toupper(static_cast<unsigned char>(c)));
                EXPECT_EQ(m->count(n), expected) << n;
                EXPECT_EQ(m->count(upper), expected) << upper;
                EXPECT_EQ(m->first(n) != nullptr, expected > 0) << n;
            }
        }
    }
}

TEST(moving, short_message_keeps_valid_views) {
    // Short enough to live inside the std::string object (SSO).
    auto a = message::parse("A: b\n\nc");
    const mime_part& before = a.mime();
    EXPECT_EQ(before.body, "c");
    message b(std::move(a));
    ASSERT_EQ(b.headers().size(), 1u);
    EXPECT_EQ(b.headers()[0].name, "A");
    EXPECT_EQ(b.headers()[0].value, " b");
    EXPECT_EQ(b.mime().body, "c");
    EXPECT_EQ(b.mime().headers.at(0).value, " b");
    EXPECT_EQ(b.body(), "c");

    message c;
    c.add_header("X", "y");
    c = std::move(b);
    EXPECT_EQ(c.first("a")->value, " b");
    EXPECT_EQ(c.body(), "c");
}

TEST(moving, incremental_short_message) {
    message a;
    a.add_header("A", "b");
    message b = std::move(a);
    EXPECT_EQ(b.first("A")->value, "b");
    b.end_headers();
    EXPECT_EQ(b.raw(), "A:b\r\n\r\n");
}

TEST(moving, long_message) {
    auto a = message::parse(crlf("Subject: a subject long enough for the heap\n\nbody\n"));
    std::vector<message> v;
    v.push_back(std::move(a));
    v.emplace_back();
    v.emplace_back();  // reallocation moves the elements
    EXPECT_EQ(message::unfold(v[0].first("subject")->value), "a subject long enough for the heap");
}

// view(): the fields and the body are views into the caller's bytes, the
// same as parse() finds in its own copy; moves leave them there; building
// further copies the bytes first, and the caller's stay as they were.
TEST(viewing, fields_point_into_the_callers_bytes) {
    const std::string bytes = "From sender@example.org Mon Jan  1 00:00:00 2024\nA: b\nSubject: s\n\nbody\n";
    auto v = message::view(bytes);
    auto p = message::parse(bytes);
    EXPECT_EQ(v.raw(), p.raw());  // the envelope line skipped by both
    EXPECT_EQ(v.raw().data(), bytes.data() + bytes.find("A: b"));
    ASSERT_EQ(v.headers().size(), 2u);
    EXPECT_EQ(v.headers()[1].value.data(), bytes.data() + bytes.find(" s\n"));
    EXPECT_EQ(v.body(), "body\n");
    EXPECT_EQ(v.mime().body.data(), bytes.data() + bytes.find("body"));

    message moved = std::move(v);
    EXPECT_EQ(moved.raw().data(), bytes.data() + bytes.find("A: b"));  // short, yet nothing moved
    EXPECT_EQ(moved.first("subject")->value.data(), bytes.data() + bytes.find(" s\n"));
    std::vector<message> many;
    many.push_back(std::move(moved));
    many.emplace_back();
    many.emplace_back();
    EXPECT_EQ(message::unfold(many[0].first("a")->value), "b");

    message grown = message::view(bytes.substr(0, 0));
    EXPECT_EQ(grown.raw(), "");
    EXPECT_FALSE(grown.has_body());
    grown = message::view(std::string_view(bytes).substr(bytes.find("A: b"), 5));  // "A: b\n"
    EXPECT_FALSE(grown.has_body());
}

TEST(viewing, building_further_copies_first) {
    const std::string bytes = "A: b\n";
    message m = message::view(std::string_view(bytes));
    EXPECT_FALSE(m.headers_complete() && m.has_body());
    m.append_body("more");  // headers were complete: the body grows
    EXPECT_EQ(m.raw(), "A: b\nmore");
    EXPECT_NE(m.raw().data(), bytes.data());
    EXPECT_EQ(bytes, "A: b\n");
    EXPECT_EQ(m.first("A")->value, " b");
    EXPECT_EQ(m.first("A")->value.data(), m.raw().data() + 2);  // re-based into the copy
}

// The scratch form gives what the copying one does: a view into the
// message for a one-line value, into the scratch for a folded one.
TEST(public_message, unfolded_header_with_scratch_is_the_copying_form) {
    auto m = sift::message::from_raw("Subject:  one line \nTo: a@b,\r\n\tc@d\n\nbody");
    std::string scratch;
    auto subject = m.unfolded_header("subject", scratch);
    ASSERT_TRUE(subject.has_value());
    EXPECT_EQ(*subject, m.unfolded_header("subject").value());
    EXPECT_EQ(*subject, "one line");
    EXPECT_TRUE(m.raw().find(*subject) != std::string_view::npos && subject->data() >= m.raw().data() &&
                subject->data() < m.raw().data() + m.raw().size());
    auto to = m.unfolded_header("TO", scratch);
    ASSERT_TRUE(to.has_value());
    EXPECT_EQ(*to, m.unfolded_header("to").value());
    EXPECT_EQ(*to, "a@b,\tc@d");
    EXPECT_FALSE(m.unfolded_header("cc", scratch).has_value());
}

TEST(public_message, from_raw_and_incremental) {
    auto m = sift::message::from_raw(std::string(whole));
    EXPECT_TRUE(m.headers_complete());
    EXPECT_EQ(m.size(), whole.size());
    EXPECT_EQ(m.headers().size(), 2u);
    EXPECT_EQ(m.headers()[1].name, "Subject");
    EXPECT_EQ(m.header("FROM").value_or("?"), " anna@example.com");
    EXPECT_EQ(m.unfolded_header("subject").value_or("?"), "hello");
    EXPECT_FALSE(m.header("to").has_value());

    sift::message n;
    n.add_header("From", " anna@example.com");
    n.add_header("Subject", " hello");
    n.end_headers();
    n.append_body("text\r\n");
    EXPECT_EQ(n.raw(), m.raw());
    sift::message moved = std::move(n);
    EXPECT_EQ(moved.header("subject").value_or("?"), " hello");
}

// Run under the sanitizer build as well: const access must need no locking
// by the caller.
TEST(threads, concurrent_const_access) {
    std::string raw = crlf(
        "From: =?utf-8?q?Anna_M=C3=BCller?= <anna@example.com>\n"
        "Subject: =?iso-8859-1?q?gr=FC=DFe?=\n"
        "Content-Type: multipart/mixed; boundary=b\n"
        "\n"
        "--b\n"
        "Content-Type: text/plain; charset=utf-8\n"
        "\n"
        "hi\n"
        "--b\n"
        "Content-Disposition: attachment; filename*=utf-8''%E2%82%AC.exe\n"
        "Content-Transfer-Encoding: base64\n"
        "\n"
        "aGk=\n"
        "--b--\n");
    const auto m = message::parse(raw);
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
        threads.emplace_back([&] {
            std::string scratch;
            for (int i = 0; i < 200; ++i) {
                bool ok = message::decode(m.first("subject")->value, scratch) == "gr\u00fc\u00dfe";
                ok = ok && message::decode(m.first("from")->value) == "Anna M\u00fcller <anna@example.com>";
                const mime_part& root = m.mime();
                ok = ok && root.children.size() == 2 && filename(root.children[1]) == "\u20ac.exe";
                ok = ok && decoded_body(root.children[1]) == "hi";
                if (!ok) {
                    ++failures;
                }
            }
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    EXPECT_EQ(failures.load(), 0);
}

}  // namespace
}  // namespace sift::mail
