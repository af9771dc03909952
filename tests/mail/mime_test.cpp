// RFC 2045, 2046 and 2231: the MIME tree, parameters, bodies and limits.
#include "mail/message.hpp"
#include "test_util.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <iterator>
#include <string>
#include <vector>

namespace sift::mail {
namespace {

using test::crlf;

// RFC 2046 §5.1.1, the "simple boundary" example.
constexpr std::string_view rfc2046_example =
    "From: Nathaniel Borenstein <nsb@bellcore.com>\n"
    "To: Ned Freed <ned@innosoft.com>\n"
    "Date: Sun, 21 Mar 1993 23:56:48 -0800 (PST)\n"
    "Subject: Sample message\n"
    "MIME-Version: 1.0\n"
    "Content-type: multipart/mixed; boundary=\"simple boundary\"\n"
    "\n"
    "This is the preamble.  It is to be ignored, though it\n"
    "is a handy place for composition agents to include an\n"
    "explanatory note to non-MIME conformant readers.\n"
    "\n"
    "--simple boundary\n"
    "\n"
    "This is implicitly typed plain US-ASCII text.\n"
    "It does NOT end with a linebreak.\n"
    "--simple boundary\n"
    "Content-type: text/plain; charset=us-ascii\n"
    "\n"
    "This is explicitly typed plain US-ASCII text.\n"
    "It DOES end with a linebreak.\n"
    "\n"
    "--simple boundary--\n"
    "\n"
    "This is the epilogue.  It is also to be ignored.\n";

class mime_endings : public ::testing::TestWithParam<bool> {
protected:
    std::string text(std::string_view lf) const { return GetParam() ? crlf(lf) : std::string(lf); }
};

TEST_P(mime_endings, rfc2046_simple_boundary) {
    auto m = message::parse(text(rfc2046_example));
    const mime_part& root = m.mime();
    EXPECT_EQ(root.type, "multipart");
    EXPECT_EQ(root.subtype, "mixed");
    EXPECT_EQ(root.param("boundary"), "simple boundary");
    ASSERT_EQ(root.children.size(), 2u);
    const mime_part& a = root.children[0];
    EXPECT_TRUE(a.headers.empty());
    EXPECT_EQ(a.type, "text");
    EXPECT_EQ(a.charset(), "us-ascii");
    EXPECT_EQ(a.body, text("This is implicitly typed plain US-ASCII text.\n"
                           "It does NOT end with a linebreak."));
    const mime_part& b = root.children[1];
    EXPECT_EQ(b.headers.size(), 1u);
    EXPECT_EQ(b.body, text("This is explicitly typed plain US-ASCII text.\n"
                           "It DOES end with a linebreak.\n"));
    EXPECT_EQ(b.depth, 1u);
    EXPECT_FALSE(root.truncated);
}

TEST_P(mime_endings, nested_multiparts_and_prefix_boundaries) {
    auto m =
        message::parse(text("Content-Type: multipart/mixed; boundary=abc\n"
                            "\n"
                            "--abc\n"
                            "Content-Type: multipart/alternative; boundary=abcdef\n"
                            "\n"
                            "--abcdef\n"
                            "\n"
                            "plain\n"
                            "--abcdef\n"
                            "Content-Type: text/html\n"
                            "\n"
                            "<p>html</p>\n"
                            "--abcdef--\n"
                            "--abc\n"
                            "Content-Type: application/octet-stream\n"
                            "\n"
                            "data\n"
                            "--abc--\n"));
    const mime_part& root = m.mime();
    ASSERT_EQ(root.children.size(), 2u);
    const mime_part& alt = root.children[0];
    EXPECT_EQ(alt.subtype, "alternative");
    ASSERT_EQ(alt.children.size(), 2u);
    EXPECT_EQ(alt.children[0].body, "plain");
    EXPECT_EQ(alt.children[1].subtype, "html");
    EXPECT_EQ(alt.children[1].body, "<p>html</p>");
    EXPECT_EQ(alt.children[1].depth, 2u);
    EXPECT_EQ(root.children[1].type, "application");
    EXPECT_EQ(root.children[1].body, "data");
}

TEST_P(mime_endings, missing_close_delimiter_and_transport_padding) {
    auto m =
        message::parse(text("Content-Type: multipart/mixed; boundary=\"b\"\n"
                            "\n"
                            "--b  \t\n"
                            "\n"
                            "one\n"
                            "--b\n"
                            "\n"
                            "two\n"));
    const mime_part& root = m.mime();
    ASSERT_EQ(root.children.size(), 2u);
    EXPECT_EQ(root.children[0].body, "one");
    EXPECT_EQ(root.children[1].body, text("two\n"));
}

INSTANTIATE_TEST_SUITE_P(line_endings, mime_endings, ::testing::Values(false, true));

TEST(mime, defaults) {
    auto m = message::parse("Subject: x\n\nbody");
    EXPECT_EQ(m.mime().type, "text");
    EXPECT_EQ(m.mime().subtype, "plain");
    EXPECT_EQ(m.mime().charset(), "us-ascii");
    EXPECT_EQ(m.mime().encoding, "7bit");
    auto bad = message::parse("Content-Type: garbage\n\nbody");  // RFC 2045 §5.2
    EXPECT_EQ(bad.mime().type, "text");
    EXPECT_EQ(bad.mime().subtype, "plain");
    EXPECT_FALSE(bad.mime().typed);
    // Read into the part itself: a type without a subtype leaves every
    // default, in a digest too (only a missing field makes message/rfc822).
    auto digest = message::parse(
        "Content-Type: multipart/digest; boundary=d\n\n--d\nContent-Type: image/; name=x\n"
        "Content-Transfer-Encoding: (c) BASE64\n\nz\n--d--\n");
    ASSERT_EQ(digest.mime().children.size(), 1u);
    const mime_part& part = digest.mime().children[0];
    EXPECT_EQ(part.type, "text");
    EXPECT_EQ(part.subtype, "plain");
    EXPECT_TRUE(part.params.empty());
    EXPECT_FALSE(part.typed);
    EXPECT_EQ(part.encoding, "base64");
}

TEST(mime, content_type_syntax) {
    auto ct = parse_content_type(" Text/HTML (a comment) ; CharSet = \"UTF-8\" (c); format=flowed");
    EXPECT_EQ(ct.type, "text");
    EXPECT_EQ(ct.subtype, "html");
    ASSERT_EQ(ct.params.size(), 2u);
    EXPECT_EQ(ct.params[0].name, "charset");
    EXPECT_EQ(ct.params[0].value, "UTF-8");
    EXPECT_EQ(ct.params[1].value, "flowed");
    auto q = parse_content_type("a/b; name=\"x\\\"y;z\"; junk; n2=v2");
    EXPECT_EQ(find_param(q.params, "name")->value, "x\"y;z");
    EXPECT_EQ(find_param(q.params, "N2")->value, "v2");
    EXPECT_EQ(parse_content_type("text/").type, "");
    EXPECT_EQ(parse_content_type("").type, "");
}

// RFC 2231 §3 and §4 examples.
TEST(mime, rfc2231_parameters) {
    auto a = parse_content_type(
        "message/external-body; access-type=URL;\r\n"
        " URL*0=\"ftp://\";\r\n"
        " URL*1=\"cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar\"");
    EXPECT_EQ(find_param(a.params, "url")->value, "ftp://cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar");
    auto b = parse_content_type(
        "application/x-stuff;\r\n title*=us-ascii'en-us'This%20is%20%2A%2A%2Afun%2A%2A%2A");
    EXPECT_EQ(find_param(b.params, "title")->value, "This is ***fun***");
    auto c = parse_content_type(
        "application/x-stuff;\r\n"
        " title*0*=us-ascii'en'This%20is%20even%20more%20;\r\n"
        " title*1*=%2A%2A%2Afun%2A%2A%2A%20;\r\n"
        " title*2=\"isn't it!\"");
    EXPECT_EQ(find_param(c.params, "title")->value, "This is even more ***fun*** isn't it!");
}

// A parameter given once in its plain form is its value as written (the
// quick path); an unquoted value runs to the next ';', trimmed, less a
// trailing comment, its folding line breaks dropped; another form of the
// same name still wins over the plain one.
TEST(mime, plain_parameters_given_once) {
    auto t = parse_content_type("text/plain; charset=utf-8; format=\"flowed\"");
    EXPECT_EQ(find_param(t.params, "charset")->value, "utf-8");
    EXPECT_EQ(find_param(t.params, "format")->value, "flowed");
    auto u = parse_content_type("application/octet-stream; name=  my file.exe (a comment) ; x=1");
    EXPECT_EQ(find_param(u.params, "name")->value, "my file.exe");
    EXPECT_EQ(find_param(u.params, "x")->value, "1");
    auto folded = parse_content_type("a/b; n=one\r\n two; m=\"q\r\n r\"");
    EXPECT_EQ(find_param(folded.params, "n")->value, "one two");
    auto both = parse_content_type("a/b; n=plain; n*=utf-8''ext%21");
    EXPECT_EQ(find_param(both.params, "n")->value, "ext!");
    ASSERT_EQ(both.params.size(), 1u);
    // Quoted strings: as written when they hold no quoted-pair nor line
    // break (the quick path), else read a character at a time; unterminated
    // ones run to the end.
    auto quoted = parse_content_type("a/b; p=\"x y;z\"; e=\"a\\\\b\\\"c\"; f=\"q\r\n r\"; u=\"open; end");
    EXPECT_EQ(find_param(quoted.params, "p")->value, "x y;z");
    EXPECT_EQ(find_param(quoted.params, "e")->value, "a\\b\"c");
    EXPECT_EQ(find_param(quoted.params, "f")->value, "q r");
    EXPECT_EQ(find_param(quoted.params, "u")->value, "open; end");
    EXPECT_EQ(find_param(parse_content_type("a/b; u=\"\\").params, "u")->value, "\\");
    // A name given twice is one parameter, and those after it are still
    // read whole.
    auto twice = parse_content_type("a/b; n=1; m=2; N=3; k=4");
    ASSERT_EQ(twice.params.size(), 3u);
    EXPECT_EQ(twice.params[0].name, "n");
    EXPECT_EQ(twice.params[1].name, "m");
    EXPECT_EQ(find_param(twice.params, "m")->value, "2");
    EXPECT_EQ(find_param(twice.params, "k")->value, "4");
}

// Parameters each given once without RFC 2231 marks are read straight
// into the part; anything else by the general path. A leading "zzz*=x"
// sends the whole list down the general path (its '*'), and adds itself
// first: the rest must be what the plain path made of the list alone.
TEST(mime, plain_parameter_path_against_the_general_one) {
    constexpr std::string_view names[] = {"n", "N", "name", "Name", "filename", "charset", "m", "k*", "n*0"};
    constexpr std::string_view values[] = {"v",
                                           "\"q\"",
                                           "\"a\\\\b\"",
                                           "x y (c)",
                                           "\"=?utf-8?Q?r=C3=A9?=\"",
                                           "=?utf-8?B?eA==?=",
                                           "one\r\n two",
                                           "\"q\r\n r\"",
                                           "",
                                           "(c) w",
                                           "utf-8''a%21"};
    constexpr std::string_view between[] = {"; ", ";", " ; ", "; junk ; ", ";\r\n ", "(c); "};
    std::uint32_t seed = 2231;
    auto next = [&] { return seed = seed * 1103515245u + 12345u, (seed >> 16) & 0x7fff; };
    std::size_t plain = 0;
    for (int round = 0; round < 5000; ++round) {
        std::string params;
        bool once = true, starred = false;
        std::vector<std::string_view> seen;
        for (std::size_t i = 0, count = next() % 4; i < count; ++i) {
            std::string_view n = names[next() % std::size(names)];
            for (std::string_view s : seen) once = once && !iequals(s, n);
            seen.push_back(n);
            starred = starred || n.find('*') != std::string_view::npos;
            params.append(between[next() % std::size(between)]).append(n).append("=");
            params.append(values[next() % std::size(values)]);
        }
        plain += once && !starred;
        for (std::string_view type : {"a/b", "attachment"}) {
            bool ct = type == "a/b";
            std::string value = std::string(type) + params;
            std::string forced = std::string(type) + "; zzz*=x" + params;
            mime_params got = ct ? parse_content_type(value).params : parse_content_disposition(value).params;
            mime_params want =
                ct ? parse_content_type(forced).params : parse_content_disposition(forced).params;
            ASSERT_FALSE(want.empty()) << forced;
            EXPECT_EQ(want.front().name, "zzz") << forced;
            ASSERT_EQ(got.size(), want.size() - 1) << value;
            for (std::size_t i = 0; i < got.size(); ++i) {
                EXPECT_EQ(got[i].name, want[i + 1].name) << value;
                EXPECT_EQ(got[i].value, want[i + 1].value) << value;
            }
        }
    }
    EXPECT_GT(plain, 1000u);  // the plain path was taken, and often
}

TEST(mime, rfc2231_charset_split_across_segments) {
    auto d = parse_content_disposition(
        "attachment; filename*0*=utf-8''%E2%82; filename*1*=%AC.exe; filename=fallback.txt");
    EXPECT_EQ(d.type, "attachment");
    EXPECT_EQ(find_param(d.params, "filename")->value, "\u20ac.exe");
    auto e = parse_content_disposition("inline; filename*=iso-8859-1'de'%E4rger.txt");
    EXPECT_EQ(find_param(e.params, "filename")->value, "\u00e4rger.txt");
    auto gap = parse_content_disposition("a; n*0=x; n*2=z; n*1=y; n*4=w");
    EXPECT_EQ(find_param(gap.params, "n")->value, "xyz");  // stops at the missing 3
}

TEST(mime, rfc2047_encoded_name_parameters_are_decoded) {
    auto t = parse_content_type("application/pdf; name=\"=?utf-8?B?UmVjaG51bmcgMjAyNi5wZGYuZXhl?=\"");
    EXPECT_EQ(find_param(t.params, "name")->value, "Rechnung 2026.pdf.exe");
    auto d = parse_content_disposition("attachment; filename=\"=?iso-8859-1?Q?=E4rger.txt?=\"");
    EXPECT_EQ(find_param(d.params, "filename")->value, "\u00e4rger.txt");
    // Split across RFC 2231 continuations: joined first, then decoded.
    auto c = parse_content_disposition(
        "attachment; filename*0=\"=?utf-8?Q?r=C3=A9\"; filename*1=\"sum=C3=A9.scr?=\"");
    EXPECT_EQ(find_param(c.params, "filename")->value, "r\u00e9sum\u00e9.scr");
    // Only file names: a boundary or another parameter stays as written.
    auto b = parse_content_type("multipart/mixed; boundary=\"=?utf-8?Q?x?=\"; title=\"=?utf-8?Q?x?=\"");
    EXPECT_EQ(find_param(b.params, "boundary")->value, "=?utf-8?Q?x?=");
    EXPECT_EQ(find_param(b.params, "title")->value, "=?utf-8?Q?x?=");
}

TEST(mime, filenames) {
    auto m =
        message::parse(crlf("Content-Type: multipart/mixed; boundary=b\n"
                            "\n"
                            "--b\n"
                            "Content-Type: application/octet-stream; name=\"from-type.bat\"\n"
                            "\n"
                            "x\n"
                            "--b\n"
                            "Content-Type: application/octet-stream; name=ignored.txt\n"
                            "Content-Disposition: attachment;\n"
                            "\tfilename=\"=?utf-8?q?r=C3=A9sum=C3=A9?=.scr\"\n"
                            "\n"
                            "x\n"
                            "--b\n"
                            "Content-Disposition: attachment; filename=my file.exe\n"
                            "\n"
                            "x\n"
                            "--b\n"
                            "\n"
                            "no name\n"
                            "--b--\n"));
    const auto& parts = m.mime().children;
    ASSERT_EQ(parts.size(), 4u);
    EXPECT_EQ(filename(parts[0]), "from-type.bat");
    EXPECT_EQ(filename(parts[1]), "r\u00e9sum\u00e9.scr");
    EXPECT_EQ(parts[1].disposition, "attachment");
    EXPECT_EQ(filename(parts[2]), "my file.exe");
    EXPECT_EQ(filename(parts[3]), "");
}

TEST(mime, transfer_encodings) {
    auto m =
        message::parse(crlf("Content-Type: multipart/mixed; boundary=b\n"
                            "\n"
                            "--b\n"
                            "Content-Transfer-Encoding: BASE64\n"
                            "\n"
                            "SGVs bG8s\n"
                            "IHdv*cmxk\n"
                            "IQ==\n"
                            "--b\n"
                            "Content-Type: text/plain; charset=iso-8859-1\n"
                            "Content-Transfer-Encoding: quoted-printable (comment)\n"
                            "\n"
                            "caf=E9 =\n"
                            "au lait\n"
                            "--b\n"
                            "Content-Transfer-Encoding: 8bit\n"
                            "\n"
                            "as is=41\n"
                            "--b--\n"));
    const auto& parts = m.mime().children;
    ASSERT_EQ(parts.size(), 3u);
    EXPECT_EQ(parts[0].encoding, "base64");
    EXPECT_EQ(decoded_body(parts[0]), "Hello, world!");
    EXPECT_EQ(parts[1].encoding, "quoted-printable");
    EXPECT_EQ(decoded_body(parts[1]), "caf\xe9 au lait");
    EXPECT_EQ(decoded_text(parts[1]), "caf\u00e9 au lait");
    EXPECT_EQ(decoded_body(parts[2]), "as is=41");
    // Text not transfer-encoded is converted as it is: 8bit ISO-8859-1,
    // invalid UTF-8 (each bad byte U+FFFD), and an unknown encoding.
    auto t =
        message::parse(crlf("Content-Type: multipart/mixed; boundary=b\n"
                            "\n"
                            "--b\n"
                            "Content-Type: text/plain; charset=iso-8859-1\n"
                            "Content-Transfer-Encoding: 8bit\n"
                            "\n"
                            "caf\xe9\n"
                            "--b\n"
                            "Content-Type: text/plain; charset=utf-8\n"
                            "\n"
                            "ok \xff\xc3\n"
                            "--b\n"
                            "Content-Type: text/plain; charset=utf-8\n"
                            "Content-Transfer-Encoding: x-unknown\n"
                            "\n"
                            "=41\n"
                            "--b--\n"));
    const auto& text = t.mime().children;
    ASSERT_EQ(text.size(), 3u);
    EXPECT_EQ(decoded_text(text[0]), "caf\u00e9");
    EXPECT_EQ(decoded_text(text[1]), "ok \uFFFD\uFFFD");
    EXPECT_EQ(decoded_text(text[2]), "=41");
}

TEST(mime, message_rfc822_inside_multipart) {
    auto m =
        message::parse(crlf("Content-Type: multipart/mixed; boundary=outer\n"
                            "\n"
                            "--outer\n"
                            "Content-Type: message/rfc822\n"
                            "\n"
                            "From: inner@example.com\n"
                            "Subject: forwarded\n"
                            "Content-Type: multipart/mixed; boundary=inner\n"
                            "\n"
                            "--inner\n"
                            "Content-Disposition: attachment; filename=evil.exe\n"
                            "\n"
                            "MZ\n"
                            "--inner--\n"
                            "--outer--\n"));
    const mime_part& root = m.mime();
    ASSERT_EQ(root.children.size(), 1u);
    const mime_part& wrapper = root.children[0];
    EXPECT_EQ(wrapper.type, "message");
    EXPECT_TRUE(wrapper.is_message());
    ASSERT_EQ(wrapper.children.size(), 1u);
    const mime_part& inner = wrapper.children[0];
    EXPECT_EQ(inner.depth, 2u);
    ASSERT_NE(inner.header("subject"), nullptr);
    EXPECT_EQ(inner.header("subject")->value, " forwarded");
    ASSERT_EQ(inner.children.size(), 1u);
    EXPECT_EQ(filename(inner.children[0]), "evil.exe");
    EXPECT_EQ(inner.children[0].depth, 3u);
}

TEST(mime, digest_parts_default_to_message_rfc822) {
    auto m = message::parse(
        "Content-Type: multipart/digest; boundary=d\n"
        "\n"
        "--d\n"
        "\n"
        "Subject: first\n"
        "\n"
        "one\n"
        "--d\n"
        "Content-Type: text/plain\n"
        "\n"
        "plain\n"
        "--d--\n");
    const auto& parts = m.mime().children;
    ASSERT_EQ(parts.size(), 2u);
    EXPECT_EQ(parts[0].type, "message");
    EXPECT_EQ(parts[0].subtype, "rfc822");
    ASSERT_EQ(parts[0].children.size(), 1u);
    EXPECT_EQ(parts[0].children[0].header("subject")->value, " first");
    EXPECT_EQ(parts[1].type, "text");
}

TEST(mime, multipart_without_boundary_or_delimiters) {
    auto a = message::parse("Content-Type: multipart/mixed\n\n--x\n\nbody\n");
    EXPECT_TRUE(a.mime().children.empty());
    auto b = message::parse("Content-Type: multipart/mixed; boundary=q\n\nno delimiters\n");
    EXPECT_TRUE(b.mime().children.empty());
    auto c = message::parse("Content-Type: multipart/mixed; boundary=q\n\n--q--\n");
    EXPECT_TRUE(c.mime().children.empty());
}

// A boundary line must start a line: "--b" inside text is content.
TEST(mime, delimiter_must_start_a_line) {
    auto m = message::parse("Content-Type: multipart/mixed; boundary=b\n\n--b\n\nx --b y\n--b--\n");
    ASSERT_EQ(m.mime().children.size(), 1u);
    EXPECT_EQ(m.mime().children[0].body, "x --b y");
}

std::string nested(int depth) {
    std::string head, tail;
    for (int i = 0; i < depth; ++i) {
        std::string b = "b" + std::to_string(i);
        head += "Content-Type: multipart/mixed; boundary=" + b + "\r\n\r\n--" + b + "\r\n";
        tail = "\r\n--" + b + "--\r\n" + tail;
    }
    return head + "\r\ninnermost" + tail;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

TEST(limits, deep_nesting_stops_at_max_depth) {
    std::string raw = nested(10'000);
    auto t0 = std::chrono::steady_clock::now();
    auto m = message::parse(raw);
    const mime_part* p = &m.mime();
    unsigned levels = 0;
    while (!p->children.empty()) {
        ASSERT_EQ(p->children.size(), 1u);
        p = &p->children[0];
        ++levels;
    }
    EXPECT_EQ(levels, m.limits().max_mime_depth);
    EXPECT_EQ(p->depth, m.limits().max_mime_depth);
    EXPECT_TRUE(p->truncated);
    EXPECT_TRUE(p->is_multipart());
    EXPECT_LT(seconds_since(t0), 5.0);
}

TEST(limits, configured_depth) {
    message_limits limits;
    limits.max_mime_depth = 2;
    auto m = message::parse(nested(5), limits);
    const mime_part& l2 = m.mime().children.at(0).children.at(0);
    EXPECT_TRUE(l2.children.empty());
    EXPECT_TRUE(l2.truncated);
}

std::string many_parts(int n) {
    std::string raw = "Content-Type: multipart/mixed; boundary=p\r\n\r\n";
    for (int i = 0; i < n; ++i) {
        raw += "--p\r\nContent-Type: text/plain\r\n\r\nx\r\n";
    }
    return raw + "--p--\r\n";
}

TEST(limits, part_count_stops_at_max_parts) {
    std::string raw = many_parts(100'000);
    auto t0 = std::chrono::steady_clock::now();
    auto m = message::parse(raw);
    const mime_part& root = m.mime();
    EXPECT_EQ(root.children.size(), m.limits().max_mime_parts - 1);  // the root is a part
    EXPECT_TRUE(root.truncated);
    EXPECT_LT(seconds_since(t0), 5.0);
}

TEST(limits, part_count_across_levels) {
    message_limits limits;
    limits.max_mime_parts = 4;
    auto m = message::parse(crlf("Content-Type: multipart/mixed; boundary=a\n\n"
                                 "--a\nContent-Type: multipart/mixed; boundary=c\n\n"
                                 "--c\n\none\n--c\n\ntwo\n--c--\n"
                                 "--a\n\nthree\n--a--\n"),
                            limits);
    const mime_part& root = m.mime();
    ASSERT_EQ(root.children.size(), 1u);
    EXPECT_EQ(root.children[0].children.size(), 2u);
    EXPECT_TRUE(root.truncated);
}

// A multipart's parts are found before they are parsed (to reserve the
// children once): the parts limit still stops where the parts were added,
// with one mime_too_many_parts and no close-delimiter defect past it, and
// a last part without a close delimiter is still seen below the limit.
TEST(limits, part_count_at_the_limit_with_and_without_a_close_delimiter) {
    auto kinds = [](const message& m) {
        std::vector<defect_kind> out;
        for (const defect& d : m.defects()) out.push_back(d.kind);
        return out;
    };
    message_limits limits;
    limits.max_mime_parts = 4;  // the root and three parts
    std::string open = "Content-Type: multipart/mixed; boundary=p\n\n--p\n\n1\n--p\n\n2\n--p\n\n3";
    auto fits = message::parse(open + "\n", limits);
    EXPECT_EQ(fits.mime().children.size(), 3u);
    EXPECT_FALSE(fits.mime().truncated);
    EXPECT_EQ(kinds(fits), std::vector<defect_kind>{defect_kind::mime_close_delimiter_missing});
    auto over = message::parse(open + "\n--p\n\n4\n--p\n\n5\n", limits);
    EXPECT_EQ(over.mime().children.size(), 3u);
    EXPECT_TRUE(over.mime().truncated);
    EXPECT_EQ(kinds(over), std::vector<defect_kind>{defect_kind::mime_too_many_parts});
    auto closed = message::parse(open + "\n--p--\n", limits);
    EXPECT_EQ(closed.mime().children.size(), 3u);
    EXPECT_EQ(closed.mime().children[2].body, "3");
    EXPECT_TRUE(kinds(closed).empty());
}

TEST(limits, header_fields_across_the_tree) {
    message_limits limits;
    limits.max_headers = 3;  // so the tree indexes at most 24 fields
    std::string raw = "Content-Type: multipart/mixed; boundary=p\n\n";
    for (int i = 0; i < 20; ++i) {
        raw += "--p\nA: 1\nB: 2\nC: 3\nD: 4\n\nx\n";
    }
    auto m = message::parse(raw, limits);
    const auto& parts = m.mime().children;
    ASSERT_EQ(parts.size(), 20u);
    EXPECT_EQ(parts[0].headers.size(), 3u);  // max_headers per part
    EXPECT_FALSE(parts[0].truncated);
    EXPECT_EQ(parts[7].headers.size(), 2u);  // 1 + 7 * 3 = 22 used before it
    EXPECT_TRUE(parts[7].truncated);
    EXPECT_TRUE(parts[8].headers.empty());
    EXPECT_EQ(parts[18].body, "x");
    EXPECT_EQ(parts[19].body, "x\n");  // no close delimiter: runs to the end
}

// Deterministic junk made of the characters parsers care about; nothing
// may crash or trip the sanitizers.
// Junk after a multipart header: every parser returns, and what it returns
// keeps the promises the model makes whatever the input.
TEST(robustness, junk_input) {
    constexpr std::string_view alphabet = "=?\"\\()<>@,;:.[]\r\n \t-_abQB%*'\x80\xff/";
    std::uint32_t seed = 12345;
    auto next = [&] { return seed = seed * 1103515245u + 12345u, (seed >> 16) & 0x7fff; };
    auto inside = [](std::string_view part, std::string_view whole) {
        return part.empty() ||
               (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
    };
    std::size_t children = 0, addresses = 0;
    for (int round = 0; round < 2000; ++round) {
        // Two parts of junk between the delimiters of boundary "-".
        std::string junk = "Content-Type: multipart/mixed; boundary=-\n\n---\n";
        for (const char* after : {"\n---\n", "\n-----\n"}) {
            std::size_t len = next() % 200;
            for (std::size_t i = 0; i < len; ++i) junk += alphabet[next() % alphabet.size()];
            junk += after;
        }
        auto m = message::parse(junk);
        for (const header_field& f : m.headers()) {
            EXPECT_FALSE(f.name.empty()) << junk;
            (void)message::decode(f.value);
        }
        const mime_part& root = m.mime();
        EXPECT_TRUE(root.is_multipart()) << junk;
        for (const mime_part& c : root.children) {
            ++children;
            EXPECT_EQ(c.depth, 1u) << junk;
            EXPECT_TRUE(inside(c.raw, root.raw) && inside(c.body, c.raw)) << junk;
            // Undoing base64 or quoted-printable never adds bytes.
            EXPECT_LE(decoded_body(c).size(), c.body.size()) << junk;
            (void)filename(c);
        }
        // RFC 5228 §5.1: an address is valid only with a local part and
        // a domain.
        for (const auto& a : parse_address_list(junk)) {
            ++addresses;
            if (a.valid) {
                EXPECT_TRUE(!a.local_part.empty() && !a.domain.empty()) << junk;
            }
        }
        if (auto p = parse_path(junk); p && p->valid) {
            EXPECT_FALSE(p->domain.empty()) << junk;
        }
        (void)message::decode(junk);
        (void)parse_content_type(junk);
    }
    // The junk reached the parts and the address parser.
    EXPECT_GT(children, 100u);
    EXPECT_GT(addresses, 100u);
}

}  // namespace
}  // namespace sift::mail
