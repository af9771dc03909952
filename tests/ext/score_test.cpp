// vnd.sift.score: hits, totals, the score test, the result and its JSON,
// sequences of scripts, spamtest on Sift's own score, GTUBE. Every
// expected number below is worked out by hand in the comment beside it.
#include "test_support.hpp"

#include "ext/score/score.hpp"

#include <sift/json.hpp>
#include <sift/sequence.hpp>

#include <nlohmann/json.hpp>

// Its own namespace: a unity batch shares one translation unit (prelude, holds).
namespace sift::testing::score_tests {
namespace {

const std::string prelude =
    "require [\"vnd.sift.score\", \"fileinto\", \"relational\", \"comparator-i;ascii-numeric\"];\n";

const std::string gtube = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X";

result evaluate(const script& s, const std::string& raw = sample_message, const run_options& options = {}) {
    return s.run(message::from_raw(raw), default_envelope(), options);
}

result evaluate(const std::string& source, const run_options& options = {}) {
    return evaluate(compiled(source), sample_message, options);
}

// "rule/category/weight/line" per hit, for compact assertions.
std::string hits_of(const result& r) {
    std::string out;
    for (const auto& h : r.hits)
        out += (out.empty() ? "" : " ") + h.rule + "/" + h.category + "/" + format_score(h.weight) + "/" +
               std::to_string(h.line);
    return out;
}

std::string scores_of(const result& r) {
    std::string out;
    for (const auto& s : r.scores) out += (out.empty() ? "" : " ") + s.category + "=" + format_score(s.total);
    return out;
}

TEST(score, decimals_are_exact_thousandths) {
    using ext::parse_thousandths;
    EXPECT_EQ(parse_thousandths("2.5"), 2500);
    EXPECT_EQ(parse_thousandths("-0.125"), -125);
    EXPECT_EQ(parse_thousandths("+3"), 3000);
    EXPECT_EQ(parse_thousandths("007.07"), 7070);
    EXPECT_EQ(parse_thousandths("0"), 0);
    EXPECT_EQ(parse_thousandths("1000000"), 1'000'000'000);
    EXPECT_EQ(parse_thousandths("-1000000.000"), -1'000'000'000);
    for (std::string_view bad : {"", "-", ".5", "2.", "2.5555", "1000000.001", "99999999999999999999", "1e3",
                                 " 1", "1 ", "2,5", "--1", "0x10", "1.2.3"})
        EXPECT_EQ(parse_thousandths(bad), std::nullopt) << bad;

    EXPECT_EQ(format_score(2500), "2.5");
    EXPECT_EQ(format_score(-1000), "-1");
    EXPECT_EQ(format_score(125), "0.125");
    EXPECT_EQ(format_score(-5), "-0.005");
    EXPECT_EQ(format_score(0), "0");
    EXPECT_EQ(format_score(1'000'000), "1000");
    EXPECT_EQ(format_score(1010), "1.01");
}

TEST(score, hits_are_kept_once_per_rule_and_category) {
    auto r = evaluate(prelude +
                      "score :rule \"MISSING_DATE\" \"2.5\";\n"  // line 2: spam 2.5
                      "score :rule \"MISSING_DATE\" \"2.5\";\n"  // 3: the same rule: nothing
                      "score :category \"Promotions\" :rule \"LIST_ID\" \"1.25\";\n"  // 4: promotions 1.25
                      "score :rule \"GOOD_SENDER\" \"-0.5\";\n"                       // 5: spam 2.5 - 0.5 = 2
                      "score :category \"promotions\" :rule \"MISSING_DATE\" \"0.001\";\n"  // 6: 1.251
                      "if score :value \"eq\" \"2\" { fileinto \"spam-two\"; }\n"
                      "if score :category \"PROMOTIONS\" :value \"ge\" \"1.251\" { fileinto \"promo\"; }\n"
                      "if score :count \"eq\" \"2\" { fileinto \"two-spam-rules\"; }\n"
                      "if score :value \"gt\" \"2.001\" { fileinto \"wrong\"; }\n");
    ASSERT_TRUE(r.ok()) << r.errors.front();
    EXPECT_EQ(hits_of(r),
              "MISSING_DATE/spam/2.5/2 LIST_ID/promotions/1.25/4 GOOD_SENDER/spam/-0.5/5 "
              "MISSING_DATE/promotions/0.001/6");
    EXPECT_EQ(scores_of(r), "spam=2 promotions=1.251");
    EXPECT_EQ(r.score("spam"), 2000);
    EXPECT_EQ(r.score("promotions"), 1251);
    EXPECT_EQ(r.score("social"), 0);
    EXPECT_EQ(summary(r), "fileinto:spam-two; fileinto:promo; fileinto:two-spam-rules");
    ASSERT_EQ(r.hits.size(), 4u);
    EXPECT_EQ(r.hits[0].script, "test.sieve");
    EXPECT_EQ(r.hits[2].weight, -500);
}

TEST(score, totals_compare_as_decimals) {
    auto holds = [](const std::string& score_lines, const std::string& test) {
        auto r = evaluate(prelude + score_lines + "if " + test + " { fileinto \"yes\"; }\n");
        EXPECT_TRUE(r.ok()) << (r.errors.empty() ? "" : r.errors.front());
        return summary(r) == "fileinto:yes";
    };
    const std::string two_and_a_half = "score :rule \"A\" \"2.5\";\n";
    // RFC 4790's i;ascii-numeric would read "2.5" as 2, so "gt 2" would
    // fail; the score test compares the decimal.
    EXPECT_TRUE(holds(two_and_a_half, "score :value \"gt\" \"2\""));
    EXPECT_TRUE(holds(two_and_a_half, "score :value \"lt\" \"2.501\""));
    EXPECT_FALSE(holds(two_and_a_half, "score :value \"lt\" \"2.5\""));
    EXPECT_TRUE(holds(two_and_a_half, "score :is \"2.500\""));  // numeric equality
    EXPECT_TRUE(holds(two_and_a_half, "score :value \"ne\" \"3\""));
    EXPECT_TRUE(holds(two_and_a_half, "score :value \"ge\" [\"10\", \"2.5\"]"));  // any key
    // Negative totals (ascii-numeric has no sign).
    const std::string minus_one = "score :rule \"A\" \"-3\";\nscore :rule \"B\" \"2\";\n";  // -3 + 2 = -1
    EXPECT_TRUE(holds(minus_one, "score :value \"lt\" \"0\""));
    EXPECT_TRUE(holds(minus_one, "score :is \"-1\""));
    EXPECT_FALSE(holds(minus_one, "score :value \"gt\" \"-1\""));
    // No hits: the total is 0, no rule counted.
    EXPECT_TRUE(holds("", "score :is \"0\""));
    EXPECT_TRUE(holds("", "score :count \"eq\" \"0\""));
    EXPECT_TRUE(holds("", "score :category \"social\" :value \"le\" \"0\""));
    // Another comparator matches the total's text: "2.5", "-1".
    EXPECT_TRUE(holds(two_and_a_half, "score :comparator \"i;octet\" :matches \"2.*\""));
    EXPECT_TRUE(holds(minus_one, "score :comparator \"i;octet\" :is \"-1\""));
    EXPECT_FALSE(holds(minus_one, "score :comparator \"i;octet\" :is \"-1.000\""));
    // :count counts the rules of the category, whatever their weights.
    EXPECT_TRUE(holds(minus_one, "score :count \"eq\" \"2\""));
    EXPECT_FALSE(holds(minus_one, "score :category \"promotions\" :count \"ge\" \"1\""));
}

// :rules: the names of the rules that hit the category, sorted by octet
// and joined by "," (SpamAssassin's tests=), one value for any match type.
TEST(score, rules_match_the_sorted_names_of_the_hits) {
    auto run = [](const std::string& lines) {
        auto r =
            evaluate("require [\"vnd.sift.score\", \"fileinto\", \"relational\", \"variables\"];\n" + lines);
        EXPECT_TRUE(r.ok()) << (r.errors.empty() ? "" : r.errors.front());
        return summary(r);
    };
    const std::string three =
        "score :rule \"SUBJECT_ALL_CAPS\" \"1\";\n"
        "score :rule \"MISSING_DATE\" \"2\";\n"
        "score :rule \"GTUBE\" \"1000\";\n"
        "score :rule \"MISSING_DATE\" \"2\";\n"  // counted once: named once
        "score :category \"promotions\" :rule \"LIST_ID\" \"1\";\n";
    // Hit order SUBJECT_ALL_CAPS, MISSING_DATE, GTUBE; sorted: G < M < S.
    EXPECT_EQ(run(three + "if score :rules :matches \"*\" { fileinto \"${1}\"; }\n"),
              "fileinto:GTUBE,MISSING_DATE,SUBJECT_ALL_CAPS");
    // The default comparator is i;ascii-casemap; i;octet tells case apart.
    EXPECT_EQ(
        run(three + "if score :rules :is \"gtube,missing_date,subject_all_caps\" { fileinto \"y\"; }\n"),
        "fileinto:y");
    EXPECT_EQ(
        run(three + "if score :rules :comparator \"i;octet\" :contains \"gtube\" { fileinto \"wrong\"; }\n"),
        "keep*");
    EXPECT_EQ(run(three + "if score :rules :contains \"MISSING_DATE\" { fileinto \"y\"; }\n"), "fileinto:y");
    // Another category has its own names; one without hits has "".
    EXPECT_EQ(run(three + "if score :category \"Promotions\" :rules :is \"LIST_ID\" { fileinto \"y\"; }\n"),
              "fileinto:y");
    EXPECT_EQ(run(three + "if score :category \"social\" :rules :is \"\" { fileinto \"none\"; }\n"),
              "fileinto:none");
    EXPECT_EQ(run("if score :rules :matches \"?*\" { fileinto \"wrong\"; }\n"), "keep*");
    // :count counts the rules, as without :rules.
    EXPECT_EQ(run(three + "if score :rules :count \"eq\" \"3\" { fileinto \"three\"; }\n"), "fileinto:three");
    // The total is still the test without :rules: its text with a text
    // comparator (1 + 2 + 1000).
    EXPECT_EQ(run(three + "if score :comparator \"i;octet\" :matches \"*\" { fileinto \"${1}\"; }\n"),
              "fileinto:1003");
    // A numeric comparator on names is RFC 4790's, not an error: the keys
    // are not decimals to check.
    compiled(
        "require [\"vnd.sift.score\", \"comparator-i;ascii-numeric\"];\n"
        "if score :rules :comparator \"i;ascii-numeric\" :is \"x\" { keep; }\n");
    // :rules is the test's, not the command's.
    auto e = compile_errors("require \"vnd.sift.score\";\nscore :rules :rule \"R\" \"1\";\n");
    EXPECT_NE(e.find("test.sieve:2:"), std::string::npos) << e;
}

TEST(score, weights_and_names_from_variables_are_checked_when_run) {
    auto r = evaluate(
        "require [\"vnd.sift.score\", \"variables\"];\n"
        "score :rule \"FIRST\" \"1\";\n"
        "set \"w\" \"2.5x\";\n"
        "score :rule \"R\" \"${w}\";\n");
    EXPECT_EQ(r.status, run_status::runtime_error);
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(r.errors[0],
              "line 4: score: invalid weight '2.5x' for rule R: expected a decimal such as \"2.5\" or \"-1\" "
              "with at most three decimals, within ±1000000");
    // The failed run's hits are cancelled with its actions.
    EXPECT_EQ(hits_of(r), "");
    EXPECT_EQ(summary(r), "keep*");

    r = evaluate(
        "require [\"vnd.sift.score\", \"variables\"];\nset \"n\" \"two words\";\n"
        "score :rule \"${n}\" \"1\";\n");
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(r.errors[0],
              "line 3: score: invalid rule name 'two words' (1 to 64 letters, digits, '_', '-' or '.')");

    r = evaluate(
        "require [\"vnd.sift.score\", \"variables\"];\nset \"k\" \"five\";\n"
        "if score :is \"${k}\" { keep; }\n");
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_NE(r.errors[0].find("line 3: score: invalid key 'five'"), std::string::npos) << r.errors[0];

    r = evaluate(
        "require [\"vnd.sift.score\", \"variables\"];\nset \"c\" \"a/b\";\n"
        "score :category \"${c}\" :rule \"R\" \"1\";\n");
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_NE(r.errors[0].find("line 3: score: invalid category 'a/b'"), std::string::npos) << r.errors[0];

    // A template's category that is valid counts lower-cased, as a literal's.
    r = evaluate(
        "require [\"vnd.sift.score\", \"variables\", \"fileinto\"];\nset \"c\" \"Promo\";\n"
        "score :category \"${c}\" :rule \"R\" \"2\";\n"
        "if score :category \"promo\" :is \"2\" { fileinto \"y\"; }\n");
    EXPECT_EQ(summary(r), "fileinto:y");
}

TEST(score, hits_are_bounded) {
    run_options options;
    options.score.max_hits = 2;
    auto r = evaluate(
        "require \"vnd.sift.score\";\nscore :rule \"A\" \"1\";\nscore :rule \"A\" \"1\";\n"
        "score :rule \"B\" \"1\";\nscore :rule \"C\" \"1\";\n",
        options);  // A, (A again: nothing), B, then C is the third
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(r.errors[0], "line 5: score: more than 2 hits (run_options::score.max_hits)");
}

TEST(score, constant_mistakes_are_compile_errors) {
    auto error_of = [](const std::string& source) { return compile_errors(source); };
    const std::string req = "require \"vnd.sift.score\";\n";
    // Columns count from the opening quote of the literal.
    auto e = error_of(req + "score :rule \"R\" \"2.5555\";\n");
    EXPECT_NE(e.find("test.sieve:2:17: error: invalid score weight '2.5555': expected a decimal"),
              std::string::npos)
        << e;
    e = error_of(req + "score :rule \"R\" \"1000000.5\";\n");
    EXPECT_NE(e.find("test.sieve:2:17: error: invalid score weight '1000000.5'"), std::string::npos) << e;
    e = error_of(req + "score \"1\";\n");
    EXPECT_NE(e.find("test.sieve:2:1: error: command 'score' needs :rule \"NAME\""), std::string::npos) << e;
    e = error_of(req + "score :rule \"has space\" \"1\";\n");
    EXPECT_NE(e.find("test.sieve:2:13: error: invalid score rule name 'has space'"), std::string::npos) << e;
    e = error_of(req + "score :category \"\" :rule \"R\" \"1\";\n");
    EXPECT_NE(e.find("test.sieve:2:17: error: invalid score category ''"), std::string::npos) << e;
    e = error_of(req + "if score :is \"abc\" { keep; }\n");
    EXPECT_NE(e.find("test.sieve:2:14: error: invalid score key 'abc'"), std::string::npos) << e;
    e = error_of(req + "if score :contains \"2\" { keep; }\n");
    EXPECT_NE(e.find("test.sieve:2:4: error: test 'score' compares its total as a number"), std::string::npos)
        << e;
    e = error_of("score :rule \"R\" \"1\";\n");
    EXPECT_NE(e.find("vnd.sift.score"), std::string::npos) << e;
    // The test takes no :rule, the command no comparator.
    e = error_of(req + "if score :rule \"R\" \"1\" { keep; }\n");
    EXPECT_NE(e.find("test.sieve:2:"), std::string::npos) << e;
    e = error_of(req + "score :rule \"R\" :comparator \"i;octet\" \"1\";\n");
    EXPECT_NE(e.find("test.sieve:2:"), std::string::npos) << e;
    // Keys of :count are counts, not checked as decimals here; the text
    // comparators take any key.
    compiled(req + "require \"relational\";\nif score :count \"ge\" \"2\" { keep; }\n");
    compiled(req + "if score :comparator \"i;octet\" :contains \"abc\" { keep; }\n");
}

TEST(score, the_result_goes_into_the_json) {
    auto s =
        compiled(prelude + "score :rule \"A\" \"2.5\";\nscore :category \"social\" :rule \"B\" \"-1\";\n");
    auto r = evaluate(s);
    auto j = nlohmann::json::parse(json::report(s, &r));
    EXPECT_EQ(j["scores"], nlohmann::json::parse(R"({"spam": 2.5, "social": -1})"));
    EXPECT_EQ(j["hits"], nlohmann::json::parse(R"([
        {"rule": "A", "category": "spam", "weight": 2.5, "script": "test.sieve", "line": 2},
        {"rule": "B", "category": "social", "weight": -1, "script": "test.sieve", "line": 3}])"));
    // A run without hits, and a report without a run, have empty ones.
    auto plain = compiled("keep;");
    auto pr = evaluate(plain);
    j = nlohmann::json::parse(json::report(plain, &pr));
    EXPECT_EQ(j["scores"], nlohmann::json::object());
    EXPECT_EQ(j["hits"], nlohmann::json::array());
    j = nlohmann::json::parse(json::error_report("io_error", "x"));
    EXPECT_EQ(j["hits"], nlohmann::json::array());
}

// A before -> user -> after sequence, as the policy runs it
// (sift::sequence: one run, the hits add up).
TEST(score, hits_add_up_across_a_sequence) {
    auto before = script::compile(prelude + "score :rule \"A\" \"3\";\n", "before.sieve");
    // The user's script knows nothing of scores and leaves the implicit
    // keep standing, so "after" runs.
    auto user = script::compile("if false { keep; }\n", "user.sieve");
    auto after = script::compile(prelude +
                                     "score :rule \"A\" \"3\";\n"    // hit in before: counted once
                                     "score :rule \"B\" \"2.5\";\n"  // 3 + 2.5 = 5.5
                                     "if score :value \"ge\" \"5.5\" { fileinto \"Spam\"; }\n",
                                 "after.sieve");
    ASSERT_TRUE(before.ok() && user.ok() && after.ok());
    auto msg = message::from_raw(sample_message);
    auto env = default_envelope();
    auto r = sequence({before, user, after}).run(msg, env);
    ASSERT_TRUE(r.ok()) << r.errors.front();
    EXPECT_EQ(hits_of(r), "A/spam/3/2 B/spam/2.5/3");
    ASSERT_EQ(r.hits.size(), 2u);
    EXPECT_EQ(r.hits[0].script, "before.sieve");
    EXPECT_EQ(r.hits[1].script, "after.sieve");
    EXPECT_EQ(scores_of(r), "spam=5.5");
    EXPECT_EQ(summary(r), "fileinto:Spam");

    // A script of the sequence that fails loses its own hits, not those
    // of the scripts before it.
    auto failing = script::compile(
        "require [\"vnd.sift.score\", \"variables\"];\nscore :rule \"C\" \"1\";\nset \"w\" \"x\";\n"
        "score :rule \"D\" \"${w}\";\n",
        "failing.sieve");
    ASSERT_TRUE(failing.ok());
    r = sequence({before, failing}).run(msg, env);
    EXPECT_EQ(r.status, run_status::runtime_error);
    EXPECT_EQ(hits_of(r), "A/spam/3/2");
    EXPECT_EQ(scores_of(r), "spam=3");

    // spamtest in "after" reads the spam total of the whole sequence.
    auto check = script::compile(
        "require [\"spamtestplus\", \"fileinto\"];\nif spamtest :percent \"60\" { fileinto \"sixty\"; }\n",
        "check.sieve");
    run_options options;
    options.score.spam_threshold = 5;
    r = sequence({before, user, check}).run(msg, env, options);  // 3 of 5: 60%
    EXPECT_EQ(summary(r), "fileinto:sixty");
}

TEST(score, spamtest_reads_the_own_score_against_the_threshold) {
    const std::string req =
        "require [\"vnd.sift.score\", \"spamtestplus\", \"fileinto\", \"relational\", "
        "\"comparator-i;ascii-numeric\"];\n";
    // spamtest's value and :percent's, each found by trying every value.
    auto values = [&](const std::string& weight, double threshold, score_source source = {},
                      const std::string& extra_header = "") {
        run_options options;
        options.score.spam_threshold = threshold;
        options.spamtest = source;
        std::string raw = extra_header + sample_message;
        std::string found;
        for (bool percent : {false, true})
            for (int v = 0; v <= 100; ++v) {
                auto s = compiled(req + (weight.empty() ? "" : "score :rule \"R\" \"" + weight + "\";\n") +
                                  "if spamtest " + (percent ? ":percent " : "") + "\"" + std::to_string(v) +
                                  "\" { fileinto \"hit\"; }\n");
                if (summary(evaluate(s, raw, options)) == "fileinto:hit") {
                    found += (found.empty() ? "" : " ") + std::to_string(v);
                    break;
                }
            }
        return found;
    };
    // 2.5 of 5: r = 0.5, spamtest 1 + 9 * 0.5 = 5.5 -> 5, percent 50.
    EXPECT_EQ(values("2.5", 5), "5 50");
    // At the threshold: 10 and 100; above it, clipped to the same.
    EXPECT_EQ(values("5", 5), "10 100");
    EXPECT_EQ(values("7", 5), "10 100");
    // No spam hit, or a negative total: definitely not spam, 1 and 0.
    EXPECT_EQ(values("", 5), "1 0");
    EXPECT_EQ(values("-2", 5), "1 0");
    // 1 of 5: r = 0.2, 1 + 1.8 = 2.8 -> 2, percent 20.
    EXPECT_EQ(values("1", 5), "2 20");
    // No threshold configured: not tested, as before.
    EXPECT_EQ(values("2.5", 0), "0 0");
    // A configured upstream header wins: X-Spam-Score 4 of max 8, r = 0.5.
    score_source upstream;
    upstream.status_header = "X-Spam-Score";
    upstream.max_value = 8;
    EXPECT_EQ(values("0.5", 5, upstream, "X-Spam-Score: 4\r\n"), "5 50");
}

TEST(score, gtube_scores_1000) {
    // SpamAssassin's rule GTUBE (body, score 1000), written in Sieve as the
    // policy does: the decoded text of the message's text parts.
    const std::string rule =
        "require [\"vnd.sift.score\", \"body\", \"spamtestplus\", \"relational\", "
        "\"comparator-i;ascii-numeric\", \"fileinto\"];\n"
        "if body :text :contains \"" +
        gtube +
        "\" { score :rule \"GTUBE\" \"1000\"; }\n"
        "if score :value \"ge\" \"1000\" { fileinto \"gtube\"; }\n"
        "if spamtest :percent :value \"eq\" \"100\" { fileinto \"all-spam\"; }\n";
    auto s = compiled(rule);
    run_options options;
    options.score.spam_threshold = 5;
    auto plain = "From: a@example.com\r\nSubject: test\r\n\r\nThis is the GTUBE:\r\n" + gtube + "\r\n";
    auto r = evaluate(s, plain, options);
    EXPECT_EQ(hits_of(r), "GTUBE/spam/1000/2");
    EXPECT_EQ(r.score("spam"), 1'000'000);
    EXPECT_EQ(summary(r), "fileinto:gtube; fileinto:all-spam");
    // In a base64 text part of a multipart message: found once decoded.
    // base64("Test " + GTUBE) computed apart (Python's base64 module).
    auto multipart =
        "From: a@example.com\r\nSubject: test\r\nMIME-Version: 1.0\r\n"
        "Content-Type: multipart/mixed; boundary=b\r\n\r\n"
        "--b\r\nContent-Type: text/plain\r\n\r\nhello\r\n"
        "--b\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        "VGVzdCBYSlMqQzRKREJRQUROMS5OU0JOMyoySURORU4qR1RVQkUtU1RBTkRBUkQtQU5USS1VQkUt\r\n"
        "VEVTVC1FTUFJTCpDLjM0WA==\r\n"
        "--b--\r\n";
    EXPECT_EQ(hits_of(evaluate(s, multipart, options)), "GTUBE/spam/1000/2");
    // An ordinary message scores nothing.
    r = evaluate(s, sample_message, options);
    EXPECT_EQ(hits_of(r), "");
    EXPECT_EQ(summary(r), "keep*");
}

}  // namespace
}  // namespace sift::testing::score_tests
