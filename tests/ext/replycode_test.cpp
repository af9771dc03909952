// vnd.sift.replycode: the SMTP reply a refusal is sent with. The codes
// expected below are the ones each script names, checked by hand against
// RFC 5321 §4.2.1 (5yz) and RFC 3463 §2 (class 5, 1-3 digit subject and
// detail).
#include "test_support.hpp"

#include <sift/json.hpp>
#include <sift/sequence.hpp>

#include <nlohmann/json.hpp>

// Its own namespace: a unity batch shares one translation unit (prelude, holds).
namespace sift::testing::replycode_tests {
namespace {

const std::string prelude = "require [\"ereject\", \"reject\", \"vnd.sift.replycode\", \"variables\"];\n";

result evaluate(const std::string& source) {
    return compiled(source).run(message::from_raw(sample_message), default_envelope());
}

TEST(replycode, a_refusal_carries_the_chosen_codes) {
    auto r =
        evaluate(prelude + "ereject :replycode \"554 5.7.0\" \"Message rejected: forbidden attachment\";\n");
    ASSERT_TRUE(r.ok()) << r.errors.front();
    EXPECT_EQ(r.verdict.what, verdict::kind::refuse);
    EXPECT_EQ(r.verdict.smtp_code, 554);
    EXPECT_EQ(r.verdict.enhanced_code, "5.7.0");
    EXPECT_EQ(r.verdict.text, "Message rejected: forbidden attachment");
    ASSERT_EQ(r.actions.size(), 1u);
    const auto& a = std::get<reject_action>(r.actions[0]);
    EXPECT_TRUE(a.extended);
    EXPECT_EQ(a.smtp_code, 554);
    EXPECT_EQ(a.enhanced_code, "5.7.0");
    EXPECT_EQ(a.line, 2u);

    // reject takes it too; three-digit subject and detail.
    r = evaluate(prelude + "reject :replycode \"550 5.7.26\" \"DMARC\";\n");
    EXPECT_EQ(r.verdict.smtp_code, 550);
    EXPECT_EQ(r.verdict.enhanced_code, "5.7.26");
    r = evaluate(prelude + "reject :replycode \"553 5.100.999\" \"x\";\n");
    EXPECT_EQ(r.verdict.smtp_code, 553);
    EXPECT_EQ(r.verdict.enhanced_code, "5.100.999");
    // Without the tag: RFC 5429 §2.1.1's 550 5.7.1, and no codes on the action.
    r = evaluate(prelude + "ereject \"no\";\n");
    EXPECT_EQ(r.verdict.smtp_code, 550);
    EXPECT_EQ(r.verdict.enhanced_code, "5.7.1");
    EXPECT_EQ(std::get<reject_action>(r.actions[0]).smtp_code, 0);
    EXPECT_EQ(std::get<reject_action>(r.actions[0]).enhanced_code, "");
}

TEST(replycode, the_json_shows_the_codes) {
    auto s = compiled(prelude + "ereject :replycode \"554 5.7.0\" \"forbidden\";\n");
    auto r = s.run(message::from_raw(sample_message), default_envelope());
    auto j = nlohmann::json::parse(json::report(s, &r));
    EXPECT_EQ(j["verdict"]["smtp_code"], 554);
    EXPECT_EQ(j["verdict"]["enhanced_code"], "5.7.0");
    EXPECT_EQ(j["verdict"]["text"], "forbidden");
    EXPECT_EQ(j["actions"][0]["action"], "ereject");
    EXPECT_EQ(j["actions"][0]["smtp_code"], 554);
    EXPECT_EQ(j["actions"][0]["enhanced_code"], "5.7.0");
    // Without the tag the action has no codes (the verdict has 550 5.7.1).
    s = compiled(prelude + "ereject \"no\";\n");
    r = s.run(message::from_raw(sample_message), default_envelope());
    j = nlohmann::json::parse(json::report(s, &r));
    EXPECT_FALSE(j["actions"][0].contains("smtp_code"));
    EXPECT_EQ(j["verdict"]["smtp_code"], 550);
}

TEST(replycode, constant_codes_are_checked_when_compiling) {
    // Columns count from the opening quote of the code: "ereject " is 8
    // columns, ":replycode " 11 more, so the quote is at column 20.
    for (std::string bad : {"454 4.7.0",     // a refusal is permanent: no 4xx
                            "554 4.7.0",     // class 4 beside a 5xx
                            "554 2.0.0",     // success
                            "560 5.7.0",     // RFC 5321 has no 56z
                            "554 5.7",       // no detail
                            "554 5.7.0.1",   // one number too many
                            "554  5.7.0",    // two spaces
                            "5540 5.7.0",    // four digits
                            "554 5.07.0",    // leading zero
                            "554 5.7.1000",  // four-digit detail
                            "554", "", "554-5.7.0", "55a 5.7.0", "554 5.7.0 text"}) {
        auto e = compile_errors(prelude + "ereject :replycode \"" + bad + "\" \"x\";\n");
        EXPECT_NE(e.find("test.sieve:2:20: error: invalid reply code '" + bad +
                         "': expected a 5xx SMTP reply code and a 5.x.x enhanced status code"),
                  std::string::npos)
            << bad << "\n"
            << e;
    }
    // Not without its capability, and only on reject and ereject.
    auto e = compile_errors("require \"ereject\";\nereject :replycode \"554 5.7.0\" \"x\";\n");
    EXPECT_NE(e.find("vnd.sift.replycode"), std::string::npos) << e;
    e = compile_errors(prelude + "require \"fileinto\";\nfileinto :replycode \"554 5.7.0\" \"x\";\n");
    EXPECT_NE(e.find("test.sieve:3:"), std::string::npos) << e;
}

TEST(replycode, codes_from_variables_are_checked_when_run) {
    auto r = evaluate(prelude + "set \"c\" \"553 5.1.8\";\nereject :replycode \"${c}\" \"bad sender\";\n");
    ASSERT_TRUE(r.ok()) << r.errors.front();
    EXPECT_EQ(r.verdict.smtp_code, 553);
    EXPECT_EQ(r.verdict.enhanced_code, "5.1.8");
    r = evaluate(prelude + "set \"c\" \"451 4.3.0\";\nereject :replycode \"${c}\" \"x\";\n");
    EXPECT_EQ(r.status, run_status::runtime_error);
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_NE(r.errors[0].find("line 3: invalid reply code '451 4.3.0'"), std::string::npos) << r.errors[0];
    // The failed run's refusal is cancelled: the message is kept.
    EXPECT_EQ(summary(r), "keep*");
}

TEST(replycode, a_sequence_refusal_keeps_its_codes) {
    auto before =
        script::compile(prelude + "ereject :replycode \"554 5.7.0\" \"forbidden\";\n", "before.sieve");
    auto user = script::compile("keep;\n", "user.sieve");
    ASSERT_TRUE(before.ok() && user.ok());
    auto r = sequence({before, user}).run(message::from_raw(sample_message), default_envelope());
    EXPECT_EQ(r.verdict.what, verdict::kind::refuse);
    EXPECT_EQ(r.verdict.smtp_code, 554);
    EXPECT_EQ(r.verdict.enhanced_code, "5.7.0");
}

}  // namespace
}  // namespace sift::testing::replycode_tests
