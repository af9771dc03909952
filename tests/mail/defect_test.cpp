// What the parse could not read as written (mail/defect.hpp): each silent
// limit and each malformed structure is recorded, with a stable name.
#include "mail/message.hpp"
#include "test_util.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sift::mail {
namespace {

using test::crlf;

std::vector<std::string> names(const defect_list& defects) {
    std::vector<std::string> out;
    for (const defect& d : defects) out.emplace_back(name(d.kind));
    return out;
}

std::vector<std::string> defect_names(const message& m) {
    return names(m.defects());
}

using strings = std::vector<std::string>;

TEST(defect_names, are_the_documented_snake_case_names) {
    EXPECT_EQ(name(defect_kind::header_line_malformed), "header_line_malformed");
    EXPECT_EQ(name(defect_kind::mime_too_deep), "mime_too_deep");
    EXPECT_EQ(name(defect_kind::mime_close_delimiter_missing), "mime_close_delimiter_missing");
    EXPECT_FALSE(meaning(defect_kind::header_value_cut).empty());
}

TEST(defects, a_well_formed_message_has_none) {
    auto m =
        message::parse(crlf("Content-Type: multipart/mixed; boundary=b\nSubject: x\n\n"
                            "--b\nContent-Type: text/plain\n\nhello\n--b--\n"));
    EXPECT_TRUE(m.defects().empty());
}

// The header section rule (docs/MESSAGE.md): a mbox envelope line is
// skipped; otherwise the first line that is not a field ends the section.
TEST(header_section, a_leading_mbox_from_line_is_skipped_not_read_as_body) {
    auto m = message::parse(
        "From anna@example.com Tue Dec  1 10:00:00 2026\nFrom: anna@example.com\n"
        "Subject: hi\n\nbody\n");
    ASSERT_EQ(m.headers().size(), 2u);
    EXPECT_EQ(m.headers()[0].name, "From");
    EXPECT_NE(m.first("subject"), nullptr);
    EXPECT_EQ(m.body(), "body\n");
    EXPECT_EQ(m.raw().substr(0, 5), "From:");  // not delivered either
    EXPECT_TRUE(m.defects().empty());
}

TEST(header_section, a_from_line_with_crlf_and_without_anything_after_it) {
    auto m = message::parse(crlf("From MAILER-DAEMON Tue Dec  1 10:00:00 2026\nSubject: x\n\nb"));
    EXPECT_NE(m.first("subject"), nullptr);
    EXPECT_EQ(m.body(), "b");
    EXPECT_TRUE(message::parse("From x").headers().empty());
}

TEST(header_section, an_obsolete_from_field_is_a_field_not_an_envelope_line) {
    auto m = message::parse("From : anna@example.com\nSubject: x\n\n");  // RFC 5322 §4.5.3
    ASSERT_EQ(m.headers().size(), 2u);
    EXPECT_EQ(m.headers()[0].name, "From");
}

TEST(header_section, only_the_first_line_can_be_an_envelope_line) {
    auto m = message::parse("Subject: x\nFrom anna Tue Dec  1 10:00:00 2026\nTo: b\n\n");
    EXPECT_EQ(m.headers().size(), 1u);
    EXPECT_EQ(defect_names(m), strings{"header_line_malformed"});
}

TEST(header_section, a_line_without_colon_ends_it_and_is_recorded) {
    auto m = message::parse("A: 1\nthis is not a header\nB: 2\n\nbody");
    ASSERT_EQ(m.headers().size(), 1u);
    EXPECT_EQ(m.body(), "this is not a header\nB: 2\n\nbody");
    auto d = m.known_defects();  // header defects need no MIME parse
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].kind, defect_kind::header_line_malformed);
    EXPECT_NE(d[0].detail.find("line 2"), std::string::npos) << d[0].detail;
    EXPECT_NE(d[0].detail.find("this is not a header"), std::string::npos) << d[0].detail;
}

// The splitter reads a field's continuation lines with the field: they
// still count in the line number the defect gives.
TEST(header_section, the_malformed_line_number_counts_continuation_lines) {
    auto d = message::parse("A: 1\n continued\n\tand more\nB: 2\n x\nnot a header\n\nbody").known_defects();
    ASSERT_EQ(d.size(), 1u);
    EXPECT_NE(d[0].detail.find("line 6 "), std::string::npos) << d[0].detail;
}

TEST(header_section, a_message_that_is_all_body_is_recorded_too) {
    EXPECT_EQ(defect_names(message::parse("Hello Anna,\nhow are you?\n")), strings{"header_line_malformed"});
    EXPECT_EQ(defect_names(message::parse(" indented\nA: 1\n\n")), strings{"header_line_malformed"});
}

TEST(header_section, an_empty_header_section_is_no_defect) {
    EXPECT_TRUE(message::parse("\r\nbody only\r\n").defects().empty());
    EXPECT_TRUE(message::parse("").defects().empty());
    EXPECT_TRUE(message::parse("A: 1\r\nB: 2").defects().empty());  // no body at all
}

TEST(header_section, the_excerpt_is_short_and_printable) {
    auto m = message::parse("A: 1\n\x01" + std::string(500, 'x') + "\n\n");
    auto d = m.known_defects();
    ASSERT_EQ(d.size(), 1u);
    EXPECT_LT(d[0].detail.size(), 200u);
    EXPECT_EQ(d[0].detail.find('\x01'), std::string::npos);
}

TEST(limits, fields_past_max_headers_are_recorded) {
    message_limits limits;
    limits.max_headers = 2;
    auto m = message::parse("A: 1\nB: 2\nC: 3\nD: 4\n\nbody", limits);
    auto d = m.known_defects();
    ASSERT_EQ(names(d), strings{"header_fields_dropped"});
    EXPECT_NE(d[0].detail.find("2 header field(s)"), std::string::npos) << d[0].detail;
}

TEST(limits, cut_values_are_recorded) {
    message_limits limits;
    limits.max_header_bytes = 4;
    auto m = message::parse("A: 123456\n 789\nB: 2\nC: 12345\n\n", limits);
    auto d = m.known_defects();
    ASSERT_EQ(names(d), strings{"header_value_cut"});
    EXPECT_NE(d[0].detail.find("value of A"), std::string::npos) << d[0].detail;
    EXPECT_NE(d[0].detail.find("1 more"), std::string::npos) << d[0].detail;
}

TEST(limits, fields_added_one_by_one_are_recorded_too) {
    message_limits limits;
    limits.max_headers = 1;
    limits.max_header_bytes = 3;
    message m(limits);
    m.add_header("A", " 123456");
    m.add_header("B", " 2");
    m.add_header("C", " 3");
    m.end_headers();
    auto d = m.known_defects();
    ASSERT_EQ(names(d), (strings{"header_value_cut", "header_fields_dropped"}));
    EXPECT_EQ(d[1].detail.substr(0, 2), "2 ");
}

std::string nested(int levels) {
    std::string raw;
    for (int i = 0; i < levels; ++i)
        raw += "Content-Type: multipart/mixed; boundary=b" + std::to_string(i) + "\n\n--b" +
               std::to_string(i) + "\n";
    raw += "\nleaf\n";
    for (int i = levels - 1; i >= 0; --i) raw += "--b" + std::to_string(i) + "--\n";
    return raw;
}

TEST(limits, a_part_deeper_than_max_mime_depth_is_recorded) {
    message_limits limits;
    limits.max_mime_depth = 2;
    auto m = message::parse(nested(5), limits);
    EXPECT_TRUE(m.known_defects().empty());  // the MIME tree is not built yet
    auto d = m.defects();
    ASSERT_EQ(names(d), strings{"mime_too_deep"});
    EXPECT_NE(d[0].detail.find("part 1.1: "), std::string::npos) << d[0].detail;
    EXPECT_EQ(names(m.known_defects()), strings{"mime_too_deep"});  // now it is
    EXPECT_TRUE(message::parse(nested(2), limits).defects().empty());
}

TEST(limits, too_many_parts_is_recorded_once) {
    message_limits limits;
    limits.max_mime_parts = 3;
    std::string raw = "Content-Type: multipart/mixed; boundary=p\n\n";
    for (int i = 0; i < 10; ++i) raw += "--p\n\nx\n";
    auto m = message::parse(raw + "--p--\n", limits);
    EXPECT_EQ(defect_names(m), strings{"mime_too_many_parts"});
}

TEST(limits, the_tree_field_budget_is_recorded_once) {
    message_limits limits;
    limits.max_headers = 3;  // the tree indexes at most 24 fields
    std::string raw = "Content-Type: multipart/mixed; boundary=p\n\n";
    for (int i = 0; i < 20; ++i) raw += "--p\nA: 1\nB: 2\nC: 3\n\nx\n";
    auto m = message::parse(raw + "--p--\n", limits);
    EXPECT_EQ(defect_names(m), strings{"mime_fields_dropped"});
}

TEST(mime_structure, missing_boundaries_and_delimiters) {
    EXPECT_EQ(defect_names(message::parse("Content-Type: multipart/mixed\n\n--x\n\nbody\n")),
              strings{"mime_boundary_missing"});
    EXPECT_EQ(defect_names(message::parse("Content-Type: multipart/mixed; boundary=x\n\nno parts\n")),
              strings{"mime_boundary_not_found"});
    auto m = message::parse(crlf("Content-Type: multipart/mixed; boundary=x\n\n--x\n\npart\n"));
    auto d = m.defects();
    ASSERT_EQ(names(d), strings{"mime_close_delimiter_missing"});
    EXPECT_NE(d[0].detail.find("--x--"), std::string::npos) << d[0].detail;
}

TEST(mime_structure, a_part_header_line_that_is_not_a_field_names_the_part) {
    auto m = message::parse(
        "Content-Type: multipart/mixed; boundary=x\n\n"
        "--x\nContent-Type: text/plain\n\n1\n"
        "--x\nContent-Type: text/plain\nnot a field\n\n2\n--x--\n");
    auto d = m.defects();
    ASSERT_EQ(names(d), strings{"header_line_malformed"});
    EXPECT_EQ(d[0].detail.substr(0, 8), "part 2: ") << d[0].detail;
}

// Transfer encodings are not read by the parse: their defects come from
// decoding a part (a run does it for the parts it reads, ext/mime).
const std::string encoded_parts = crlf(
    "Content-Type: multipart/mixed; boundary=x\n\n"
    "--x\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\n"
    "SGVs\nbG8h\nI*SE=\n"
    "--x\nContent-Type: multipart/alternative; boundary=y\n\n"
    "--y\nContent-Type: text/plain\nContent-Transfer-Encoding: quoted-printable\n\n"
    "ok\nbad =ZZ and =XY\n"
    "--y--\n"
    "--x--\n");

TEST(transfer_encoding, defects_are_not_recorded_by_the_parse) {
    auto m = message::parse(encoded_parts);
    EXPECT_TRUE(m.defects().empty());
}

TEST(transfer_encoding, defects_name_the_part_the_line_and_the_count) {
    auto m = message::parse(encoded_parts);
    const mime_part& b64 = m.mime().children.at(0);
    const mime_part& qp = m.mime().children.at(1).children.at(0);
    EXPECT_EQ(part_path(m.mime(), b64), "1");
    EXPECT_EQ(part_path(m.mime(), qp), "2.1");
    EXPECT_EQ(part_path(m.mime(), m.mime()), "");
    mime_part elsewhere;
    EXPECT_EQ(part_path(m.mime(), elsewhere), std::nullopt);

    defect_list d;
    transfer_defects(b64, check_transfer_encoding(b64), "1", d);
    ASSERT_EQ(names(d), strings{"base64_character_invalid"});
    EXPECT_EQ(d[0].detail, "part 1: base64: a character outside the alphabet on line 3 of the body");
    d.clear();
    decode_problems found;
    EXPECT_EQ(decoded_body(qp, &found), "ok\r\nbad =ZZ and =XY");  // the last CRLF is the delimiter's
    transfer_defects(qp, found, "2.1", d);
    ASSERT_EQ(names(d), strings{"quoted_printable_escape_malformed"});
    EXPECT_EQ(
        d[0].detail,
        "part 2.1: quoted-printable: a '=' not followed by two hex digits on line 2 of the body, and 1 more");
    EXPECT_FALSE(check_transfer_encoding(m.mime().children.at(1)).any());  // a multipart: 7bit
}

TEST(defects, survive_a_move) {
    auto m = message::parse("A: 1\nnot a field\n\n");
    message moved = std::move(m);
    EXPECT_EQ(defect_names(moved), strings{"header_line_malformed"});
}

}  // namespace
}  // namespace sift::mail
