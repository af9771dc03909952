// RFC 5235: spamtest, spamtestplus and virustest with each status type.
#include "test_support.hpp"

#include "ext/spamtest/score.hpp"

namespace sift::testing {
namespace {

using ext::score_test;
using ext::score_value;

result evaluate(const std::string& body, const std::string& raw, const run_options& options) {
    auto s = compiled(body);
    return s.run(message::from_raw(raw), default_envelope(), options);
}

std::string value_of(const std::string& header, const score_source& src, bool percent = false) {
    run_options options;
    options.spamtest = src;
    auto raw = "From: a@example.com\r\n" + header + "\r\nSubject: x\r\n\r\nbody\r\n";
    for (int v = 0; v <= 100; ++v) {
        auto r =
            evaluate(std::string("require [\"spamtestplus\", \"fileinto\"];\nif spamtest ") +
                         (percent ? ":percent " : "") + "\"" + std::to_string(v) + "\" { fileinto \"hit\"; }",
                     raw, options);
        if (summary(r) == "fileinto:hit") return std::to_string(v);
    }
    return "none";
}

TEST(Spamtest, ScalingBoundaries) {
    EXPECT_EQ(score_value(std::nullopt, score_test::spam), "0");  // §3.1: not tested
    EXPECT_EQ(score_value(0.0, score_test::spam), "1");
    EXPECT_EQ(score_value(0.1, score_test::spam), "1");
    EXPECT_EQ(score_value(1.0 / 9, score_test::spam), "2");
    EXPECT_EQ(score_value(0.8, score_test::spam), "8");
    EXPECT_EQ(score_value(1.0, score_test::spam), "10");
    EXPECT_EQ(score_value(1.5, score_test::spam), "10");
    EXPECT_EQ(score_value(0.0, score_test::spam_percent), "0");
    EXPECT_EQ(score_value(0.01, score_test::spam_percent), "1");
    EXPECT_EQ(score_value(0.999, score_test::spam_percent), "99");  // truncated, not rounded up to 100
    EXPECT_EQ(score_value(1.0, score_test::spam_percent), "100");
    EXPECT_EQ(score_value(0.0, score_test::virus), "1");
    EXPECT_EQ(score_value(1.0, score_test::virus), "5");
}

TEST(Spamtest, NotConfiguredIsZero) {
    EXPECT_EQ(value_of("X-Spam-Score: 5.0", score_source{}), "0");
}

TEST(Spamtest, ScoreWithRegexAndMaxValue) {
    score_source src;
    src.status_header = "X-Spam-Status: [a-zA-Z]+, score=(-?[0-9]+\\.[0-9]+)";
    src.max_value = 5;
    EXPECT_EQ(value_of("X-Spam-Status: No, score=-1.6 required=5.0", src), "1");
    EXPECT_EQ(value_of("X-Spam-Status: No, score=1.0 required=5.0", src), "2");
    EXPECT_EQ(value_of("X-Spam-Status: No, score=4.0 required=5.0", src), "8");
    EXPECT_EQ(value_of("X-Spam-Status: Yes, score=5.0 required=5.0", src), "10");
    EXPECT_EQ(value_of("X-Spam-Status: Yes, score=9.9 required=5.0", src), "10");
    EXPECT_EQ(value_of("X-Spam-Status: garbage", src), "0");
    EXPECT_EQ(value_of("X-Other: 1", src), "0");
    EXPECT_EQ(value_of("X-Spam-Status: No, score=2.5 required=5.0", src, true), "50");
}

TEST(Spamtest, ScoreWithMaxHeader) {
    score_source src;
    src.status_header = "X-Spam: score=(-?[0-9.]+)";
    src.max_header = "X-Spam: score=[-0-9.]+ required=([0-9.]+)";
    EXPECT_EQ(value_of("X-Spam: score=3.0 required=10.0", src), "3");
    EXPECT_EQ(value_of("X-Spam: score=3.0 required=0", src), "0");  // max 0: not tested
}

TEST(Spamtest, Strlen) {
    score_source src;
    src.type = score_source::kind::strlen;
    src.status_header = "X-Spam-Level";
    src.max_value = 8;
    EXPECT_EQ(value_of("X-Spam-Level:", src), "1");
    EXPECT_EQ(value_of("X-Spam-Level: ********", src), "10");
    EXPECT_EQ(value_of("X-Spam-Level: ****", src), "5");
    EXPECT_EQ(value_of("X-Spam-Level: **x*", src), "0");
}

TEST(Spamtest, Text) {
    score_source src;
    src.type = score_source::kind::text;
    src.status_header = "X-Spam-Verdict";
    src.text_values[1] = "Not Spam";
    src.text_values[10] = "Spam";
    EXPECT_EQ(value_of("X-Spam-Verdict: Not Spam", src), "1");
    EXPECT_EQ(value_of("X-Spam-Verdict: Spam", src), "10");
    EXPECT_EQ(value_of("X-Spam-Verdict: Maybe", src), "0");
}

TEST(Spamtest, DefaultComparatorIsNumericAndRelationalWorks) {
    run_options options;
    options.spamtest.status_header = "X-Score";
    options.spamtest.max_value = 10;
    auto raw = std::string("X-Score: 9\r\n\r\nx\r\n");
    // RFC 5235 §3.1: i;ascii-numeric by default, so "10" > "9".
    auto r = evaluate(
        "require [\"spamtest\", \"relational\", \"fileinto\"];\n"
        "if spamtest :value \"ge\" \"9\" { fileinto \"Spam\"; }",
        raw, options);
    EXPECT_EQ(summary(r), "fileinto:Spam");
}

TEST(Spamtest, PolicyHookWins) {
    basic_host host;  // the host's own score: spam certain, virus not tested
    host.set_score([](sift::score_test t) { return t == sift::score_test::virus ? -1.0 : 1.0; });
    run_options options{.host = &host};
    auto r = evaluate(
        "require [\"spamtest\", \"virustest\", \"fileinto\"];\n"
        "if spamtest \"10\" { fileinto \"Spam\"; }\n"
        "if virustest \"0\" { fileinto \"Untested\"; }",
        "Subject: x\r\n\r\nx\r\n", options);
    EXPECT_EQ(summary(r), "fileinto:Spam; fileinto:Untested");
}

TEST(Virustest, TextValues) {
    run_options options;
    options.virustest.type = score_source::kind::text;
    options.virustest.status_header = "X-Virus-Scan: Found to be (.+)\\.";
    options.virustest.text_values[1] = "clean";
    options.virustest.text_values[5] = "infected";
    auto script =
        "require [\"virustest\", \"fileinto\"];\n"
        "if virustest \"5\" { fileinto \"Virus\"; } elsif virustest \"1\" { fileinto \"Clean\"; }";
    EXPECT_EQ(summary(evaluate(script, "X-Virus-Scan: Found to be infected.\r\n\r\nx\r\n", options)),
              "fileinto:Virus");
    EXPECT_EQ(summary(evaluate(script, "X-Virus-Scan: Found to be clean.\r\n\r\nx\r\n", options)),
              "fileinto:Clean");
}

TEST(Spamtest, Errors) {
    EXPECT_NE(compile_errors("require \"spamtest\";\nif spamtest :percent \"3\" { }").find("spamtestplus"),
              std::string::npos);
    EXPECT_NE(compile_errors("if spamtest \"3\" { }").find("spamtest"), std::string::npos);
    compiled("require \"spamtestplus\";\nif spamtest :percent \"3\" { }");  // spamtestplus implies spamtest
}

}  // namespace
}  // namespace sift::testing
