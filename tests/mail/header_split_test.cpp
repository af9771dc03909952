// split_header_block against a reference: the rules of its comment
// (mail/header.hpp) written out line by line the plainest way, run over
// generated header sections (fields, continuations, CRLF and bare CR,
// blank lines, lines that are not fields, 8-bit and control bytes, WSP
// before the colon, small limits). The splitter is written for speed
// (a name table, an inline line-end scan, a key per field); the reference
// for being obviously right. They must agree on every field, every key,
// the body offset and the defects.
#include "mail/header.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace sift::mail {
namespace {

struct reference_result {
    std::vector<header_field> fields;
    std::size_t body = 0;
    std::vector<defect_kind> defects;
};

// The documented rules, one line at a time.
reference_result reference_split(std::string_view text, header_limits limits) {
    reference_result r;
    struct open_field {
        std::string_view name;
        std::size_t begin, end;
    };
    std::vector<open_field> fields;
    std::size_t pos = 0;
    bool ended = false;
    while (pos < text.size()) {
        std::size_t lf = text.find('\n', pos);
        std::size_t next = lf == std::string_view::npos ? text.size() : lf + 1;
        std::size_t content_end = lf == std::string_view::npos ? text.size() : lf;
        if (lf != std::string_view::npos && lf > pos && text[lf - 1] == '\r') --content_end;
        std::string_view line = text.substr(pos, content_end - pos);
        if (line.empty() && lf != std::string_view::npos) {  // "\n" or "\r\n": the blank line
            r.body = next;
            ended = true;
            break;
        }
        if ((line[0] == ' ' || line[0] == '\t') && !fields.empty()) {
            fields.back().end = content_end;  // a continuation
            pos = next;
            continue;
        }
        std::size_t colon = line.find(':');
        std::string_view name = colon == std::string_view::npos ? std::string_view() : line.substr(0, colon);
        while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
        bool ok = !name.empty();
        for (char c : name) ok = ok && c >= 33 && c <= 126;
        if (!ok) {
            r.defects.push_back(defect_kind::header_line_malformed);
            r.body = pos;
            ended = true;
            break;
        }
        fields.push_back({name, pos + colon + 1, content_end});
        pos = next;
    }
    if (!ended) r.body = text.size();
    std::size_t dropped = 0, cut = 0;
    for (const auto& f : fields) {
        if (r.fields.size() >= limits.max_fields) {
            ++dropped;
            continue;
        }
        std::size_t len = f.end - f.begin;
        if (len > limits.max_field_bytes) {
            ++cut;
            len = limits.max_field_bytes;
        }
        r.fields.push_back({f.name, text.substr(f.begin, len), name_key(f.name)});
    }
    if (dropped) r.defects.push_back(defect_kind::header_fields_dropped);
    if (cut) r.defects.push_back(defect_kind::header_value_cut);
    return r;
}

std::string generated_section(std::mt19937& rng) {
    static const char* const names[] = {"From",        "To",      "Subject",        "Received",
                                        "X-Spam-Flag", "List-Id", "DKIM-Signature", "a",
                                        "X-\x7f",      "X:Y",     "Message-ID",     "CC"};
    static const char* const values[] = {
        "",          " plain value",   "\tb",   " a:b:c",           " <x@y>", "  \r ",
        " \x01\x1f", " \xc3\xa9t\xe9", " x\ry", " ends with space "};
    auto pick = [&](auto& list) { return std::string(list[rng() % std::size(list)]); };
    auto eol = [&] {
        switch (rng() % 4) {
            case 0:
                return std::string("\r\n");
            default:
                return std::string("\n");
        }
    };
    std::string out;
    int lines = int(rng() % 12);
    for (int i = 0; i < lines; ++i) {
        switch (rng() % 16) {
            case 0:  // a continuation (or a line starting with WSP)
            case 1:
                out += (rng() % 2 ? " " : "\t") + pick(values) + eol();
                break;
            case 2:  // WSP before the colon
                out += pick(names) + (rng() % 2 ? " " : " \t") + ":" + pick(values) + eol();
                break;
            case 3:  // not a field
                out += std::string(rng() % 2 ? "no colon here" : "bad name: x") + eol();
                break;
            case 4:  // a blank line, then what would be the body
                out += eol() + "Body: not a field\n";
                break;
            case 5:  // a lone CR, or a byte no name may hold
                out += std::string(rng() % 2 ? "\r" : "\x80X: y") + eol();
                break;
            case 6:  // a long value
                out += pick(names) + ":" + std::string(rng() % 40, 'v') + eol();
                break;
            default:
                out += pick(names) + ":" + pick(values) + eol();
        }
    }
    if (rng() % 3 == 0 && !out.empty()) out.pop_back();  // no final line end
    if (rng() % 4 == 0) out.insert(0, rng() % 2 ? "\n" : "\r\n");
    return out;
}

TEST(header_split, agrees_with_the_line_by_line_reference_on_generated_sections) {
    std::mt19937 rng(20261202);
    for (int round = 0; round < 20000; ++round) {
        std::string text = generated_section(rng);
        header_limits limits{std::size_t(1 + rng() % 12), std::size_t(rng() % 2 ? 1 << 20 : 1 + rng() % 20)};
        std::vector<header_field> got;
        defect_list defects;
        std::size_t body = split_header_block(text, limits, got, &defects);
        auto want = reference_split(text, limits);
        SCOPED_TRACE(::testing::PrintToString(text));
        ASSERT_EQ(body, want.body);
        ASSERT_EQ(got.size(), want.fields.size());
        for (std::size_t i = 0; i < got.size(); ++i) {
            // Same views into the same text, not equal copies.
            EXPECT_EQ(got[i].name.data(), want.fields[i].name.data()) << i;
            EXPECT_EQ(got[i].name, want.fields[i].name) << i;
            EXPECT_EQ(got[i].value.data(), want.fields[i].value.data()) << i;
            EXPECT_EQ(got[i].value, want.fields[i].value) << i;
            EXPECT_EQ(got[i].key, want.fields[i].key) << i;
        }
        ASSERT_EQ(defects.size(), want.defects.size());
        for (std::size_t i = 0; i < defects.size(); ++i) EXPECT_EQ(defects[i].kind, want.defects[i]) << i;
    }
}

// Names of every length up to 40 (the name scan goes sixteen bytes a
// step), with a byte no name may hold at every place in them, and the
// section cut short after them: the same fields as the reference.
TEST(header_split, name_ends_at_every_offset) {
    for (std::size_t n = 1; n <= 40; ++n) {
        std::string name;
        for (std::size_t i = 0; i < n; ++i) name += char('A' + i % 26);
        for (std::size_t bad_at = 0; bad_at <= n; ++bad_at) {
            for (char bad : {'\x80', '\x7f', ' ', ':', '\x01', '\xff', '~', '!'}) {
                std::string line = name;
                if (bad_at < n) line[bad_at] = bad;
                for (const char* tail : {": v\nB: w\n\nbody", ":", ""}) {
                    std::string text = line + tail;
                    std::vector<header_field> got;
                    std::size_t body = split_header_block(text, {100, 1 << 20}, got);
                    auto want = reference_split(text, {100, 1 << 20});
                    SCOPED_TRACE(::testing::PrintToString(text));
                    ASSERT_EQ(body, want.body);
                    ASSERT_EQ(got.size(), want.fields.size());
                    for (std::size_t i = 0; i < got.size(); ++i) {
                        EXPECT_EQ(got[i].name, want.fields[i].name);
                        EXPECT_EQ(got[i].value, want.fields[i].value);
                    }
                }
            }
        }
    }
}

// Long lines cross the sixteen-byte steps of the line-end scan at every
// offset.
TEST(header_split, line_ends_at_every_offset) {
    for (std::size_t n = 0; n < 70; ++n) {
        for (const char* eol : {"\n", "\r\n"}) {
            std::string text = "A:" + std::string(n, 'x') + eol + " " + std::string(n, 'y') + eol +
                               "B:" + eol + eol + "body";
            std::vector<header_field> got;
            std::size_t body = split_header_block(text, {100, 1 << 20}, got);
            auto want = reference_split(text, {100, 1 << 20});
            ASSERT_EQ(body, want.body) << n;
            ASSERT_EQ(got.size(), 2u);
            EXPECT_EQ(got[0].value, want.fields[0].value);
            EXPECT_EQ(got[0].value.size(), 2 * n + std::string_view(eol).size() + 1);
            EXPECT_EQ(got[1].value, "");
        }
    }
}

TEST(header_split, keys_ignore_case_and_tell_common_names_apart) {
    EXPECT_EQ(name_key("Subject"), name_key("sUBJECT"));
    EXPECT_EQ(name_key("X-Spam-Flag"), name_key("x-spam-flag"));
    const char* const common[] = {"From",          "To",           "Cc",          "Subject",
                                  "Date",          "Received",     "Return-Path", "Message-ID",
                                  "Reply-To",      "Sender",       "List-Id",     "X-Spam-Flag",
                                  "X-Spam-Status", "MIME-Version", "Content-Type"};
    for (const char* a : common)
        for (const char* b : common) {
            if (std::string_view(a) != b) {
                EXPECT_NE(name_key(a), name_key(b)) << a << " " << b;
            }
        }
}

}  // namespace
}  // namespace sift::mail
