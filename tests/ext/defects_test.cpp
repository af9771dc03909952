// vnd.sift.defects: the defect test, and the defects a run reports.
#include "test_support.hpp"

// Its own namespace: a unity batch shares one translation unit (prelude, holds).
namespace sift::testing::defects_tests {
namespace {

constexpr const char* prelude =
    "require [\"vnd.sift.defects\", \"fileinto\", \"relational\", \"foreverypart\", \"mime\", \"body\",\n"
    "         \"extracttext\", \"variables\"];\n";

result evaluate(const std::string& body, std::string msg, const message_limits& mlimits = {}) {
    auto s = compiled(std::string(prelude) + body);
    auto m = message::from_raw(std::move(msg), mlimits);
    return s.run(m, default_envelope());
}

bool holds(const std::string& test, std::string msg, const message_limits& mlimits = {}) {
    auto r = evaluate("if " + test + " { fileinto \"yes\"; }", std::move(msg), mlimits);
    EXPECT_TRUE(r.ok()) << (r.errors.empty() ? "" : r.errors[0]);
    return !r.actions.empty() && mailbox_of(r.actions[0]) == "yes";
}

std::string nested(int levels) {
    std::string raw;
    for (int i = 0; i < levels; ++i) {
        auto b = "b" + std::to_string(i);
        raw += "Content-Type: multipart/mixed; boundary=" + b + "\r\n\r\n--" + b + "\r\n";
    }
    raw += "Content-Type: application/octet-stream\r\n\r\nhidden\r\n";
    for (int i = levels - 1; i >= 0; --i) raw += "--b" + std::to_string(i) + "--\r\n";
    return raw;
}

const std::string clean = "From: a@example.com\r\nSubject: hi\r\n\r\nbody\r\n";
const std::string malformed = "From: a@example.com\r\nthis is no header\r\nSubject: hi\r\n\r\nbody\r\n";

TEST(defects, requires_its_capability) {
    auto errors = compile_errors("if defect \"mime_too_deep\" { }");
    EXPECT_NE(errors.find("vnd.sift.defects"), std::string::npos) << errors;
}

TEST(defects, is_matches_a_recorded_name) {
    EXPECT_TRUE(holds("defect \"header_line_malformed\"", malformed));
    EXPECT_TRUE(holds("defect :is [\"mime_too_deep\", \"header_line_malformed\"]", malformed));
    EXPECT_FALSE(holds("defect \"mime_too_deep\"", malformed));
    EXPECT_FALSE(holds("defect :matches \"*\"", clean));
    EXPECT_TRUE(holds("defect :matches \"header_*\"", malformed));
}

TEST(defects, count_with_relational) {
    EXPECT_TRUE(holds("defect :count \"gt\" \"0\"", malformed));
    EXPECT_FALSE(holds("defect :count \"gt\" \"0\"", clean));
    EXPECT_TRUE(holds("defect :count \"eq\" \"0\"", clean));
}

TEST(defects, a_part_too_deep_for_foreverypart_is_visible_to_the_policy) {
    message_limits limits;
    limits.max_mime_depth = 3;
    std::string msg = nested(6);
    // foreverypart never reaches the hidden leaf ...
    auto r = evaluate(
        "foreverypart { if header :mime :type \"content-type\" \"application\" { fileinto \"seen\"; } }\n"
        "if defect :is \"mime_too_deep\" { fileinto \"refused\"; }",
        msg, limits);
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(summary(r), "fileinto:refused");
    // ... and the result says why.
    ASSERT_EQ(r.defects.size(), 1u);
    EXPECT_EQ(r.defects[0].name, "mime_too_deep");
    EXPECT_NE(r.defects[0].detail.find("depth 3"), std::string::npos) << r.defects[0].detail;
    // Within the limit, it is seen and nothing is recorded.
    EXPECT_TRUE(holds("not defect :count \"gt\" \"0\"", nested(2), limits));
}

TEST(defects, the_test_sees_mime_defects_before_any_body_test) {
    std::string msg = "Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n\r\nopen part\r\n";
    EXPECT_TRUE(holds("defect \"mime_close_delimiter_missing\"", msg));
}

TEST(defects, the_result_lists_header_defects_for_any_script) {
    auto r = evaluate("keep;", malformed);
    ASSERT_EQ(r.defects.size(), 1u);
    EXPECT_EQ(r.defects[0].name, "header_line_malformed");
    EXPECT_NE(r.defects[0].detail.find("this is no header"), std::string::npos) << r.defects[0].detail;
    EXPECT_TRUE(evaluate("keep;", clean).defects.empty());
}

TEST(defects, limits_that_cut_header_fields_are_testable) {
    message_limits limits;
    limits.max_headers = 2;
    EXPECT_TRUE(holds("defect \"header_fields_dropped\"", "A: 1\r\nB: 2\r\nC: 3\r\n\r\n", limits));
    limits = {};
    limits.max_header_bytes = 8;
    EXPECT_TRUE(holds("defect \"header_value_cut\"", "Subject: a long subject\r\n\r\n", limits));
}

// Transfer encodings (RFC 2045 §6.7, §6.8), written by hand: part 1 is
// base64 with a '*' and a missing '=' on its second line ("Hello!!"), part
// 2 quoted-printable with a bad escape and a line of 80 characters, part 3
// well-formed base64 ("Hello").
const std::string badly_encoded =
    "From: a@example.com\r\n"
    "Content-Type: multipart/mixed; boundary=\"B\"\r\n"
    "\r\n"
    "--B\r\n"
    "Content-Type: text/plain\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "\r\n"
    "SGVs\r\n"
    "bG8*hIS\r\n"
    "--B\r\n"
    "Content-Type: text/plain; charset=iso-8859-1\r\n"
    "Content-Transfer-Encoding: quoted-printable\r\n"
    "\r\n"
    "caf=E9 =ZZ\r\n" +
    std::string(80, 'x') +
    "\r\n"
    "--B\r\n"
    "Content-Type: application/octet-stream\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "\r\n"
    "SGVsbG8=\r\n"
    "--B--\r\n";

std::vector<std::string> names(const result& r) {
    std::vector<std::string> out;
    for (const auto& d : r.defects) out.push_back(d.name);
    return out;
}

using strings = std::vector<std::string>;

TEST(transfer_defects, the_defect_test_checks_every_encoded_part) {
    EXPECT_TRUE(holds("defect \"base64_character_invalid\"", badly_encoded));
    EXPECT_TRUE(holds("defect \"base64_padding_malformed\"", badly_encoded));
    EXPECT_TRUE(holds("defect \"quoted_printable_escape_malformed\"", badly_encoded));
    EXPECT_TRUE(holds("defect \"quoted_printable_line_too_long\"", badly_encoded));
    EXPECT_TRUE(holds("defect :count \"eq\" \"4\"", badly_encoded));
    auto r = evaluate("if defect :matches \"quoted_printable_*\" { fileinto \"yes\"; }", badly_encoded);
    EXPECT_EQ(summary(r), "fileinto:yes");
    // The test looked at every part: the result lists them all, in part order.
    EXPECT_EQ(names(r), (strings{"base64_character_invalid", "base64_padding_malformed",
                                 "quoted_printable_escape_malformed", "quoted_printable_line_too_long"}));
    EXPECT_EQ(r.defects[0].detail, "part 1: base64: a character outside the alphabet on line 2 of the body");
    EXPECT_EQ(r.defects[1].detail,
              "part 1: base64: the last quantum has no '=' padding on line 2 of the body");
    EXPECT_EQ(r.defects[2].detail,
              "part 2: quoted-printable: a '=' not followed by two hex digits on line 1 of the body");
    EXPECT_EQ(r.defects[3].detail,
              "part 2: quoted-printable: a line longer than 76 characters on line 2 of the body");
}

TEST(transfer_defects, well_formed_encodings_have_none) {
    std::string good = badly_encoded;
    good.replace(good.find("bG8*hIS"), 7, "bG8hIQ==");
    good.replace(good.find("=ZZ"), 3, "=3D");
    good.replace(good.find(std::string(80, 'x')), 80, std::string(75, 'x') + "=\r\n" + std::string(5, 'x'));
    EXPECT_TRUE(holds("defect :count \"eq\" \"0\"", good));
    EXPECT_TRUE(holds("body :content \"text\" :contains \"Hello!!\"", good));
}

TEST(transfer_defects, body_records_what_it_decodes_and_only_that) {
    // :content "text/plain" decodes parts 1 and 2, not the octet-stream.
    auto r = evaluate("if body :content \"text/plain\" :contains \"Hello!!\" { fileinto \"yes\"; }",
                      badly_encoded);
    EXPECT_EQ(summary(r), "fileinto:yes");  // the '*' skipped, the missing padding read as if there
    EXPECT_EQ(names(r), (strings{"base64_character_invalid", "base64_padding_malformed"}));
    // Stopping at part 1 leaves part 2 unread, and unreported.
    r = evaluate("if body :content \"text/plain\" :contains \"caf\" { fileinto \"yes\"; }", badly_encoded);
    EXPECT_EQ(names(r), (strings{"base64_character_invalid", "base64_padding_malformed",
                                 "quoted_printable_escape_malformed", "quoted_printable_line_too_long"}));
    // :text reads the same parts; read twice, a part is reported once.
    r = evaluate(
        "if body :text :contains \"nothing\" { fileinto \"no\"; }\n"
        "if body :content \"text\" :contains \"nothing\" { fileinto \"no\"; }",
        badly_encoded);
    EXPECT_EQ(r.defects.size(), 4u);
}

// The phrase lists (body :text :contains with constant keys under
// i;ascii-casemap, vm::phrase_index) search each part's text once for
// every list, and read parts only as far as a test needs: to the first
// that has the list's key, as the per-key search goes.
TEST(transfer_defects, phrase_lists_read_the_parts_a_test_needs) {
    auto r = evaluate("if body :text :contains [\"hello\", \"absent\"] { fileinto \"yes\"; }", badly_encoded);
    EXPECT_EQ(summary(r), "fileinto:yes");
    EXPECT_EQ(names(r), (strings{"base64_character_invalid", "base64_padding_malformed"}));
    // A list in part 2 reads it; one in part 1 after that reads nothing
    // new; one in no part reads every text part (the octet-stream none).
    r = evaluate(
        "if body :text :contains [\"caf\", \"absent\"] { fileinto \"a\"; }\n"
        "if body :text :contains [\"zzz\", \"HELLO!!\"] { fileinto \"b\"; }\n"
        "if body :text :contains [\"nothing\", \"absent\"] { fileinto \"c\"; }\n"
        "if body :text :contains \"xxxxx\" { fileinto \"d\"; }\n"
        "if body :text :contains [\"hello\", \"\"] { fileinto \"e\"; }",
        badly_encoded);
    ASSERT_TRUE(r.ok()) << r.errors.at(0);
    EXPECT_EQ(summary(r), "fileinto:a; fileinto:b; fileinto:d; fileinto:e");
    EXPECT_EQ(names(r), (strings{"base64_character_invalid", "base64_padding_malformed",
                                 "quoted_printable_escape_malformed", "quoted_printable_line_too_long"}));
    // A list in part 1 only: part 2 stays unread.
    r = evaluate(
        "if body :text :contains [\"hello\", \"absent\"] { fileinto \"a\"; }\n"
        "if body :text :contains [\"hello!\"] { fileinto \"b\"; }",
        badly_encoded);
    EXPECT_EQ(summary(r), "fileinto:a; fileinto:b");
    EXPECT_EQ(names(r), (strings{"base64_character_invalid", "base64_padding_malformed"}));
}

TEST(transfer_defects, a_run_that_decodes_nothing_reports_none) {
    auto r = evaluate("if header :contains \"from\" \"example\" { fileinto \"yes\"; }", badly_encoded);
    EXPECT_EQ(summary(r), "fileinto:yes");
    EXPECT_TRUE(r.defects.empty());
    r = evaluate("if body :raw :contains \"=ZZ\" { fileinto \"yes\"; }",
                 badly_encoded);  // :raw decodes nothing
    EXPECT_EQ(summary(r), "fileinto:yes");
    EXPECT_TRUE(r.defects.empty());
}

TEST(transfer_defects, extracttext_in_foreverypart_records_the_parts_it_reads) {
    auto r = evaluate(
        "foreverypart { if header :mime :contains \"content-type\" \"iso-8859-1\" {\n"
        "  extracttext \"t\"; if string :contains \"${t}\" \"caf\" { fileinto \"yes\"; } } }",
        badly_encoded);
    ASSERT_TRUE(r.ok()) << r.errors.at(0);
    EXPECT_EQ(summary(r), "fileinto:yes");
    EXPECT_EQ(names(r), (strings{"quoted_printable_escape_malformed", "quoted_printable_line_too_long"}));
}

TEST(transfer_defects, a_test_after_the_body_sees_what_it_decoded_once) {
    // body decodes part 1; the defect test then checks parts 2 and 3 only,
    // and finds each defect once.
    auto r = evaluate(
        "if body :content \"text/plain\" :contains \"Hello\" { fileinto \"body\"; }\n"
        "if defect :count \"eq\" \"4\" { fileinto \"four\"; }",
        badly_encoded);
    EXPECT_EQ(summary(r), "fileinto:body; fileinto:four");
    EXPECT_EQ(r.defects.size(), 4u);
}

TEST(defects, survive_bytecode_round_trip) {
    auto s = compiled(std::string(prelude) + "if defect \"header_line_malformed\" { fileinto \"yes\"; }");
    auto loaded = script::load(s.save());
    ASSERT_TRUE(loaded.ok()) << format(loaded.errors());
    auto m = message::from_raw(malformed);
    EXPECT_EQ(summary(loaded.run(m, default_envelope())), "fileinto:yes");
}

}  // namespace
}  // namespace sift::testing::defects_tests
