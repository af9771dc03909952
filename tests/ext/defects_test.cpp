// vnd.sift.defects: the defect test, and the defects a run reports.
#include "test_support.hpp"

namespace sift::testing {
namespace {

constexpr const char* prelude =
    "require [\"vnd.sift.defects\", \"fileinto\", \"relational\", \"foreverypart\", \"mime\"];\n";

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

TEST(defects, survive_bytecode_round_trip) {
    auto s = compiled(std::string(prelude) + "if defect \"header_line_malformed\" { fileinto \"yes\"; }");
    auto loaded = script::load(s.save());
    ASSERT_TRUE(loaded.ok()) << format(loaded.errors());
    auto m = message::from_raw(malformed);
    EXPECT_EQ(summary(loaded.run(m, default_envelope())), "fileinto:yes");
}

}  // namespace
}  // namespace sift::testing
