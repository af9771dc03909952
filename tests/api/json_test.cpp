// sift::json: the report every frontend prints, read back with a real JSON
// parser (nlohmann-json's), including mail that is not UTF-8.
#include "test_support.hpp"

#include <sift/json.hpp>

#include <nlohmann/json.hpp>

namespace sift::testing {
namespace {

nlohmann::json report_of(std::string_view source, std::string raw) {
    auto s = compiled(source);
    auto msg = message::from_raw(std::move(raw));
    auto r = s.run(msg, default_envelope());
    return nlohmann::json::parse(json::report(s, &r));  // throws on invalid JSON or UTF-8
}

TEST(json, fileinto_with_flags_and_copy) {
    auto j = report_of(
        "require [\"fileinto\", \"imap4flags\", \"copy\"];\n"
        "fileinto :copy :flags \"\\\\Seen\" \"Archive\";\n",
        sample_message);
    EXPECT_EQ(j["status"], "ok");
    ASSERT_EQ(j["actions"].size(), 2u);
    auto a = j["actions"][0];
    EXPECT_EQ(a["action"], "fileinto");
    EXPECT_EQ(a["mailbox"], "Archive");
    EXPECT_EQ(a["flags"], nlohmann::json::array({"\\Seen"}));
    EXPECT_EQ(a["copy"], true);
    EXPECT_EQ(a["implicit"], false);
    EXPECT_EQ(a["line"], 2);
    EXPECT_EQ(j["actions"][1]["action"], "keep");
    EXPECT_EQ(j["actions"][1]["implicit"], true);
    EXPECT_FALSE(j.contains("invalid_utf8_replaced"));
}

TEST(json, fields_keep_their_documented_order) {
    auto s = compiled("discard;");
    auto msg = message::from_raw(sample_message);
    auto r = s.run(msg, default_envelope());
    auto text = json::report(s, &r);
    EXPECT_EQ(text.substr(0, text.find('[')), "{\"status\":\"ok\",\"actions\":") << text;
    EXPECT_EQ(text.find('\n'), std::string::npos) << "one line";
}

TEST(json, eight_bit_header_gives_valid_utf8_and_says_so) {
    std::string raw = "From: a@example.com\r\nSubject: caf\xe9 \xff\r\n\r\nbody\r\n";
    auto j = report_of(
        "require [\"reject\", \"variables\"];\n"
        "if header :matches \"subject\" \"*\" { reject \"${1}\"; }\n",
        raw);
    ASSERT_EQ(j["actions"].size(), 1u);
    EXPECT_EQ(j["actions"][0]["reason"], "caf\xef\xbf\xbd \xef\xbf\xbd");  // each bad byte is U+FFFD
    EXPECT_EQ(j["invalid_utf8_replaced"], true);
}

TEST(json, valid_utf8_passes_unchanged) {
    std::string raw = "From: a@example.com\r\nSubject: caf\xc3\xa9 \xe2\x82\xac\r\n\r\nbody\r\n";
    auto j = report_of(
        "require [\"reject\", \"variables\"];\n"
        "if header :matches \"subject\" \"*\" { reject \"${1}\"; }\n",
        raw);
    EXPECT_EQ(j["actions"][0]["reason"], "caf\xc3\xa9 \xe2\x82\xac");
    EXPECT_FALSE(j.contains("invalid_utf8_replaced"));
}

TEST(json, compile_error_has_positions_and_no_actions) {
    auto s = script::compile("keep;\nfrobnicate;\n", "t.sieve");
    ASSERT_FALSE(s.ok());
    auto j = nlohmann::json::parse(json::report(s, nullptr));
    EXPECT_EQ(j["status"], "compile_error");
    EXPECT_EQ(j["actions"], nlohmann::json::array());
    ASSERT_FALSE(j["compile_errors"].empty());
    EXPECT_EQ(j["compile_errors"][0]["line"], 2);
    EXPECT_EQ(j["compile_errors"][0]["column"], 1);
    EXPECT_NE(j["compile_errors"][0]["message"].get<std::string>().find("frobnicate"), std::string::npos);
}

TEST(json, compile_error_notes_have_their_own_positions) {
    auto s = script::compile("if true {\n  kep;\n", "t.sieve");
    ASSERT_FALSE(s.ok());
    auto j = nlohmann::json::parse(json::report(s, nullptr));
    ASSERT_EQ(j["compile_errors"].size(), 1u);
    ASSERT_EQ(j["compile_errors"][0]["notes"].size(), 1u);
    EXPECT_EQ(j["compile_errors"][0]["notes"][0]["line"], 1);
    EXPECT_EQ(j["compile_errors"][0]["notes"][0]["column"], 9);
    EXPECT_EQ(j["compile_errors"][0]["notes"][0]["message"], "to match this '{'");
    // Without notes, no "notes" field.
    j = nlohmann::json::parse(json::report(script::compile("frobnicate;", "t.sieve"), nullptr));
    EXPECT_FALSE(j["compile_errors"][0].contains("notes"));
}

TEST(json, runtime_error_keeps_and_lists_the_error) {
    std::string source;
    for (int i = 0; i < 6; ++i) source += "redirect \"r" + std::to_string(i) + "@example.com\";\n";
    auto j = report_of(source, sample_message);
    EXPECT_EQ(j["status"], "runtime_error");
    ASSERT_EQ(j["actions"].size(), 1u);
    EXPECT_EQ(j["actions"][0]["action"], "keep");
    EXPECT_EQ(j["errors"].size(), 1u);
}

TEST(json, verdict_and_lookup_failed_follow_the_first_fields) {
    auto j = report_of("require \"reject\"; reject \"not here\";", sample_message);
    EXPECT_EQ(j["lookup_failed"], false);
    EXPECT_EQ(j["verdict"]["kind"], "refuse");
    EXPECT_EQ(j["verdict"]["smtp_code"], 550);
    EXPECT_EQ(j["verdict"]["enhanced_code"], "5.7.1");
    EXPECT_EQ(j["verdict"]["text"], "not here");
    j = report_of("require \"copy\"; redirect :copy \"b@example.org\";", sample_message);
    EXPECT_EQ(j["verdict"]["kind"], "deliver");
    EXPECT_EQ(j["verdict"]["folders"], nlohmann::json::array({"INBOX"}));
    EXPECT_EQ(j["verdict"]["redirects"], nlohmann::json::array({"b@example.org"}));
    EXPECT_FALSE(j["verdict"].contains("smtp_code"));
}

TEST(json, header_edits_are_listed) {
    auto j =
        report_of("require \"editheader\";\naddheader :last \"X-Tag\" \"one\";\ndeleteheader \"subject\";\n",
                  sample_message);
    ASSERT_EQ(j["header_edits"].size(), 2u);
    // The value as it follows the colon in the new field, its space included.
    EXPECT_EQ(j["header_edits"][0],
              nlohmann::json({{"edit", "addheader"}, {"name", "X-Tag"}, {"value", " one"}, {"last", true}}));
    EXPECT_EQ(j["header_edits"][1]["edit"], "deleteheader");
    EXPECT_EQ(j["header_edits"][1]["occurrence"], 1);
}

TEST(json, error_report_has_the_same_shape) {
    auto j = nlohmann::json::parse(json::error_report("io_error", "m.eml: No such file or directory \xff"));
    EXPECT_EQ(j["status"], "io_error");
    EXPECT_EQ(j["errors"], nlohmann::json::array({"m.eml: No such file or directory \xef\xbf\xbd"}));
    for (const char* list : {"actions", "header_edits", "message_edits", "compile_errors"})
        EXPECT_EQ(j[list], nlohmann::json::array()) << list;
    EXPECT_EQ(j["invalid_utf8_replaced"], true);
}

}  // namespace
}  // namespace sift::testing
