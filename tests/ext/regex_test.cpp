// draft-ietf-sieve-regex-01: the :regex match type and set :quoteregex.
#include "test_support.hpp"

#include <chrono>
#include <thread>

// Its own namespace: a unity batch shares one translation unit (prelude, holds).
namespace sift::testing::regex_tests {
namespace {

constexpr const char* prelude = "require [\"regex\", \"variables\", \"fileinto\", \"envelope\"];\n";

const char* draft_message =
    "From: stephan+sieve@friep.example.com\r\n"
    "To: tss@example.net, nico@nl.example.com, sirius@fi.example.com\r\n"
    "Subject: Test\r\n"
    "\r\n"
    "Test message.\r\n";

result evaluate(const std::string& body, std::string msg = draft_message, const eval_limits& limits = {}) {
    auto s = compiled(std::string(prelude) + body);
    auto m = message::from_raw(std::move(msg));
    return s.run(m, default_envelope(), {.limits = limits});
}

std::string filed(const std::string& body, std::string msg = draft_message) {
    auto r = evaluate(body, std::move(msg));
    EXPECT_TRUE(r.ok()) << (r.errors.empty() ? "" : r.errors[0]);
    return r.actions.empty() ? "" : mailbox_of(r.actions[0]);
}

bool holds(const std::string& test, std::string msg = draft_message) {
    return filed("if " + test + " { fileinto \"yes\"; }", std::move(msg)) == "yes";
}

TEST(regex, draft_example) {
    EXPECT_TRUE(
        holds("address :regex :comparator \"i;ascii-casemap\" \"from\" ["
              "\"stephan(\\\\+.*)?@it\\\\.example\\\\.com\", "
              "\"stephan(\\\\+.*)?@friep\\\\.example\\\\.com\"]"));
}

TEST(regex, no_values_and_more_values) {
    EXPECT_FALSE(holds("header :regex \"cc\" [\".*\\\\.com\", \".*\\\\.nl\"]"));
    EXPECT_FALSE(holds("address :regex \"to\" [\".*\\\\.uk\", \".*\\\\.nl\", \".*\\\\.tk\"]"));
    EXPECT_TRUE(
        holds("address :regex \"to\" [\".*\\\\.uk\", \".*\\\\.nl\", \".*\\\\.tk\", \".*fi\\\\..*\"]"));
}

TEST(regex, searches_anywhere_in_the_value) {
    EXPECT_TRUE(holds("header :regex \"subject\" \"es\""));
    EXPECT_FALSE(holds("header :regex \"subject\" \"^es\""));
}

TEST(regex, comparator_selects_case_sensitivity) {
    EXPECT_TRUE(holds("header :regex \"subject\" \"^TEST$\""));  // i;ascii-casemap by default
    EXPECT_FALSE(holds("header :regex :comparator \"i;octet\" \"subject\" \"^TEST$\""));
    EXPECT_TRUE(holds("header :regex :comparator \"i;octet\" \"subject\" \"^Test$\""));
    // i;ascii-casemap folds ASCII only; i;unicode-casemap folds Unicode.
    std::string msg = "Subject: \xc3\x84rger\r\n\r\n";
    EXPECT_FALSE(holds("header :regex \"subject\" \"^\xc3\xa4rger$\"", msg));
    auto s = compiled(
        "require [\"regex\", \"comparator-i;unicode-casemap\", \"fileinto\"];\n"
        "if header :regex :comparator \"i;unicode-casemap\" \"subject\" \"^\xc3\xa4.ger$\" "
        "{ fileinto \"yes\"; }");
    auto m = message::from_raw(msg);
    EXPECT_EQ(summary(s.run(m, default_envelope())), "fileinto:yes");  // '.' is one character there
}

// One key string under two comparators in one script: each test finds the
// pattern compiled for its own comparator (the program's table holds the
// first comparator a key is found with, the other beside it), whichever
// comes first.
TEST(regex, one_key_under_two_comparators) {
    EXPECT_EQ(
        filed("if header :regex :comparator \"i;octet\" \"subject\" \"^TEST$\" { fileinto \"octet\"; }\n"
              "elsif header :regex \"subject\" \"^TEST$\" { fileinto \"casemap\"; }"),
        "casemap");
    EXPECT_EQ(
        filed("if not header :regex \"subject\" \"^TEST$\" { fileinto \"not casemap\"; }\n"
              "elsif header :regex :comparator \"i;octet\" \"subject\" \"^TEST$\" { fileinto \"octet\"; }\n"
              "else { fileinto \"neither\"; }"),
        "neither");
    // A key list with a second key under the other comparator, and a key
    // built from a variable beside constant ones.
    EXPECT_EQ(filed("set \"p\" \"^Test$\";\n"
                    "if header :regex :comparator \"i;octet\" \"subject\" [\"^TEST$\", \"${p}\"] { fileinto "
                    "\"octet\"; }"),
              "octet");
}

TEST(regex, match_variables_from_groups) {
    EXPECT_EQ(filed("if header :regex \"from\" \"^([a-z]+)\\\\+([a-z]+)@(.*)$\" "
                    "{ fileinto \"${1}|${2}|${3}\"; }"),
              "stephan|sieve|friep.example.com");
    // ${0} is what the expression matched, not the whole value.
    EXPECT_EQ(filed("if header :regex \"subject\" \"e(s)\" { fileinto \"${0}|${1}|${2}\"; }"), "es|s|");
    // An unset group is empty; groups past ${9} are kept too (up to ${99},
    // as Pigeonhole's "Many match values" test expects).
    EXPECT_EQ(filed("if header :regex \"subject\" \"(x)?(T)\" { fileinto \"[${1}][${2}]\"; }"), "[][T]");
    EXPECT_EQ(filed("if string :regex \"abcdefghijkl\" \"(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)(k)\" "
                    "{ fileinto \"${9}${10}${11}${12}\"; }"),
              "ijk");
}

TEST(regex, variable_patterns_compile_at_run_time) {
    EXPECT_EQ(filed("set \"regex\" \"stephan[+](sieve)@friep.example.com\";\n"
                    "if header :regex \"from\" \"${regex}\" { fileinto \"${1}\"; }"),
              "sieve");
}

TEST(regex, invalid_variable_pattern_is_a_runtime_error) {
    auto r = evaluate("set \"regex\" \"[\";\nif header :regex \"to\" \"${regex}\" { fileinto \"frop\"; }");
    EXPECT_FALSE(r.ok());
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_NE(r.errors[0].find("line 3: invalid regular expression '['"), std::string::npos) << r.errors[0];
    EXPECT_EQ(summary(r), "keep*");
}

TEST(regex, invalid_constant_pattern_is_a_compile_error_with_its_offset) {
    auto errors =
        compile_errors(std::string(prelude) +
                       "if address :regex \"from\" \"sirius(+\\\\+.*)?@friep\\\\.example\\\\.com\" { }\n"
                       "if header :regex \"from\" [\"ok\", \"sirius@ex[]ample.com\"] { }");
    EXPECT_NE(
        errors.find(
            "test.sieve:2:26: error: invalid regular expression 'sirius(+\\+.*)?@friep\\.example\\.com': "
            "quantifier does not follow a repeatable item at offset 7"),
        std::string::npos)
        << errors;
    EXPECT_NE(
        errors.find("test.sieve:3:32: error: invalid regular expression 'sirius@ex[]ample.com': missing "
                    "terminating ] for character class at offset 20"),
        std::string::npos)
        << errors;
}

TEST(regex, numeric_comparator_is_refused) {
    auto errors = compile_errors(
        "require [\"regex\", \"comparator-i;ascii-numeric\"];\n"
        "if address :regex :comparator \"i;ascii-numeric\" \"from\" \"x\" { }");
    EXPECT_NE(errors.find("2:4: error: comparator 'i;ascii-numeric' cannot be used with :regex"),
              std::string::npos)
        << errors;
}

TEST(regex, requires_its_capability) {
    auto errors = compile_errors("if header :regex \"from\" \"x\" { }");
    EXPECT_NE(errors.find("1:11: error: tag :regex requires the \"regex\" capability"), std::string::npos)
        << errors;
}

TEST(regex, catastrophic_backtracking_stops_at_the_limit) {
    std::string msg = "Subject: " + std::string(30, 'a') + "b\r\n\r\n";
    auto start = std::chrono::steady_clock::now();
    auto r = evaluate("if header :regex \"subject\" \"(a+)+$\" { fileinto \"yes\"; }", msg);
    auto elapsed = std::chrono::steady_clock::now() - start;
    EXPECT_LT(elapsed, std::chrono::seconds(2));
    EXPECT_FALSE(r.ok());
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_NE(r.errors[0].find("line 2: regular expression '(a+)+$' stopped: match limit exceeded"),
              std::string::npos)
        << r.errors[0];
    EXPECT_EQ(summary(r), "keep*");  // RFC 5228 §2.10.6: actions cancelled, message kept
}

// A key's text is read only for what needs it (regex_search): a key from
// variables is compiled from its expansion and errors name the pattern as
// expanded; the groups are those of the key that matched, after keys
// that did not, and a match whose script reads no groups still holds.
TEST(regex, errors_and_groups_of_keys_read_as_needed) {
    std::string msg = "Subject: " + std::string(30, 'a') + "b\r\n\r\n";
    auto r = evaluate(
        "set \"p\" \"(a+)+$\";\nif header :regex \"subject\" [\"x(y)\", \"${p}\"] { fileinto \"yes\"; }",
        msg);
    EXPECT_FALSE(r.ok());
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_NE(r.errors[0].find("line 3: regular expression '(a+)+$' stopped: match limit exceeded"),
              std::string::npos)
        << r.errors[0];
    EXPECT_EQ(
        filed("if header :regex \"subject\" [\"(x)(y)\", \"^(T)(e)\", \"(s)\"] { fileinto \"${1}${2}\"; }"),
        "Te");
    EXPECT_EQ(filed("if header :regex \"subject\" [\"(x)(y)\", \"^(T)(e)\"] { fileinto \"yes\"; }"), "yes");
    EXPECT_EQ(filed("set \"k\" \"(e)(s)\";\nif header :regex \"subject\" [\"^q\", \"${k}\"] { fileinto "
                    "\"${0}${2}\"; }"),
              "ess");
}

TEST(regex, limits_are_configurable) {
    std::string msg = "Subject: " + std::string(12, 'a') + "b\r\n\r\n";
    auto body = std::string("if header :regex \"subject\" \"(a+)+$\" { fileinto \"yes\"; }");
    EXPECT_TRUE(evaluate(body, msg).ok());  // 2^12 steps are within the default
    eval_limits tight;
    tight.regex_match_limit = 100;
    EXPECT_FALSE(evaluate(body, msg, tight).ok());
    // The thread's match context keeps the limits it was given last: each
    // run's own are set when they differ, both ways.
    EXPECT_TRUE(evaluate(body, msg).ok());
    EXPECT_FALSE(evaluate(body, msg, tight).ok());
}

// "(word )+$" against a long value is quadratic: each start position
// stays far below the match limit (PCRE2 counts it per position), but the
// whole search took 3.3 s per message. The run's time budget stops it.
std::string long_subject(int words) {
    std::string subject;
    for (int i = 0; i < words; ++i) subject += "word ";
    return "Subject: " + subject + "x\r\n\r\n";
}

void expect_out_of_time(const result& r, std::string_view pattern) {
    EXPECT_FALSE(r.ok());
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_NE(r.errors[0].find("line 2: regular expression '" + std::string(pattern) +
                               "' stopped: this run's regex time budget is used up"),
              std::string::npos)
        << r.errors[0];
    EXPECT_EQ(summary(r), "keep*");  // RFC 5228 §2.10.6: actions cancelled, message kept
}

TEST(regex, quadratic_search_stops_at_the_time_budget_with_the_jit) {
    // 200 KB, as in the report: 3.3 s before the budget.
    auto r =
        evaluate("if header :regex \"subject\" \"(word )+$\" { fileinto \"yes\"; }", long_subject(40'000));
    expect_out_of_time(r, "(word )+$");
}

TEST(regex, quadratic_search_stops_at_the_time_budget_in_the_interpreter) {
    // (*NO_JIT) makes PCRE2 use its interpreter; the budget callout still
    // comes right after such start-of-pattern options.
    // 20 KB: each start position stays below regex_depth_limit, and the
    // interpreter takes seconds for the whole search.
    auto r = evaluate("if header :regex \"subject\" \"(*NO_JIT)(word )+$\" { fileinto \"yes\"; }",
                      long_subject(4'000));
    expect_out_of_time(r, "(*NO_JIT)(word )+$");
}

// The budget callout follows a pattern's literal start ("word (?C255)..."):
// it is still called at each attempt that can take long, and a quantified
// last letter ("words?") is not part of that start. A pattern with an
// alternative at its top level keeps it first, in the first branch, so
// that it is called at every position: after "xyz" it would never be.
TEST(regex, quadratic_search_with_a_literal_start_stops_at_the_time_budget) {
    for (std::string pattern : {"word (word )+$", "words? (word )+$", "xyz|(word )+$", "wo[r]d (word )+$"}) {
        auto r = evaluate("if header :regex \"subject\" \"" + pattern + "\" { fileinto \"yes\"; }",
                          long_subject(40'000));
        expect_out_of_time(r, pattern);
    }
}

// Literal starts with what may follow them: quantifiers, classes, groups,
// options; every pattern means what it did.
TEST(regex, patterns_with_a_literal_start) {
    EXPECT_TRUE(holds("header :regex \"subject\" \"Tes?t\""));
    EXPECT_TRUE(holds("header :regex \"subject\" \"Tex*st\""));
    EXPECT_TRUE(holds("header :regex \"subject\" \"Te{1}st\""));
    EXPECT_TRUE(holds("header :regex \"subject\" \"T(es)t\""));
    EXPECT_TRUE(holds("header :regex \"subject\" \"Te[s]t\""));
    EXPECT_TRUE(holds("header :regex \"subject\" \"(*UTF)Test\""));
    EXPECT_TRUE(holds("header :comparator \"i;ascii-casemap\" :regex \"subject\" \"tEST\""));
    EXPECT_FALSE(holds("header :regex \"subject\" \"Tesx+t\""));
    EXPECT_FALSE(holds("header :regex \"subject\" \"Te(?=x)st\""));
    EXPECT_TRUE(holds("header :regex \"subject\" \"Nope[|]|Test\""));
}

TEST(regex, the_time_budget_is_shared_by_the_run) {
    // Each match alone fits in the budget; together they exceed it.
    std::string subject;
    for (int i = 0; i < 1'000; ++i) subject += "word ";
    std::string msg = "Subject: " + subject + "x\r\n\r\n";
    std::string body = "if header :regex \"subject\" \"(word )+$\" { fileinto \"yes\"; }";
    auto one = evaluate(body, msg);
    EXPECT_TRUE(one.ok()) << (one.errors.empty() ? "" : one.errors[0]);
    std::string many;
    for (int i = 0; i < 400; ++i) many += body + "\n";
    eval_limits limits;
    limits.instruction_budget = 100'000'000;
    auto r = evaluate(many, msg, limits);
    EXPECT_FALSE(r.ok());
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_NE(r.errors[0].find("regex time budget is used up"), std::string::npos) << r.errors[0];
}

TEST(regex, the_time_budget_is_configurable) {
    eval_limits none;
    none.regex_time_budget = std::chrono::milliseconds(0);
    auto r = evaluate("if header :regex \"subject\" \"Test\" { fileinto \"yes\"; }", draft_message, none);
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(summary(evaluate("if header :regex \"subject\" \"Test\" { fileinto \"yes\"; }")),
              "fileinto:yes");
}

TEST(regex, start_of_pattern_options_still_work) {
    EXPECT_TRUE(holds("header :regex \"subject\" \"(*UTF)(*LIMIT_MATCH=1000)^T\""));
    EXPECT_TRUE(holds("header :regex \"subject\" \"x|Test\""));  // the callout precedes only the first branch
    EXPECT_FALSE(holds("header :regex \"subject\" \"(*NO_JIT)^est\""));
}

// Under the JIT an anchored pattern runs without the budget callout (it
// has one start position); the interpreter keeps it. Both mean what the
// pattern says, and the match limit still bounds the one attempt.
TEST(regex, anchored_patterns) {
    for (std::string engine : {"", "(*NO_JIT)"}) {
        auto has = [&](const std::string& pattern) {
            return holds("header :regex \"subject\" \"" + engine + pattern + "\"");
        };
        EXPECT_TRUE(has("^Test$")) << engine;
        EXPECT_TRUE(has("\\\\ATe")) << engine;
        EXPECT_FALSE(has("^est")) << engine;
        EXPECT_TRUE(has("(?s).*st")) << engine;
        EXPECT_TRUE(has("^x|^T")) << engine;
        EXPECT_FALSE(has("^x|^e")) << engine;
    }
    std::string msg = "Subject: " + std::string(30, 'a') + "b\r\n\r\n";
    auto r = evaluate("if header :regex \"subject\" \"^(a+)+$\" { fileinto \"yes\"; }", msg);
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_NE(r.errors[0].find("regular expression '^(a+)+$' stopped: match limit exceeded"),
              std::string::npos)
        << r.errors[0];
}

// A subject that cannot hold a match (shorter than the pattern's shortest
// match, without its first or a required code unit, or, anchored, not
// starting with one) is answered before PCRE2 is called: each pattern
// still means what it says, a "(?i)" in an i;octet pattern included
// (PCRE2 does not tell whether those units are caseless).
TEST(regex, subjects_that_cannot_match_are_answered_first) {
    auto has = [](const std::string& cmp, const std::string& pattern, const std::string& subject) {
        return holds("header :comparator \"" + cmp + "\" :regex \"subject\" \"" + pattern + "\"",
                     "Subject: " + subject + "\r\n\r\n");
    };
    for (std::string engine : {"", "(*NO_JIT)", "(*NO_START_OPT)"}) {
        // Shortest length, at and around the boundary; an empty value.
        EXPECT_TRUE(has("i;octet", engine + "^.{5}$", "Tests")) << engine;
        EXPECT_FALSE(has("i;octet", engine + "^.{5}$", "Test")) << engine;
        EXPECT_FALSE(has("i;octet", engine + "x", "")) << engine;
        EXPECT_TRUE(has("i;octet", engine + "^$", "")) << engine;
        EXPECT_TRUE(has("i;octet", engine + "^x?$", "")) << engine;
        // First code unit, anchored or not, in either case when caseless.
        EXPECT_TRUE(has("i;octet", engine + "\\\\$[0-9]", "only $5")) << engine;
        EXPECT_FALSE(has("i;octet", engine + "\\\\$[0-9]", "only 5")) << engine;
        EXPECT_TRUE(has("i;octet", engine + "(?i)xyz", "the XYZ")) << engine;
        EXPECT_TRUE(has("i;ascii-casemap", engine + "xyz", "the XyZ")) << engine;
        EXPECT_FALSE(has("i;octet", engine + "xyz", "the XYZ")) << engine;
        EXPECT_TRUE(has("i;octet", engine + "(?i)^test", "Test")) << engine;
        EXPECT_TRUE(has("i;ascii-casemap", engine + "^t", "Test")) << engine;
        EXPECT_FALSE(has("i;octet", engine + "^t", "Test")) << engine;
        // Anchored, a set of first units.
        EXPECT_TRUE(has("i;ascii-casemap", engine + "^[[(]?adv?[])]?[: ]", "(ADV) offer")) << engine;
        EXPECT_TRUE(has("i;ascii-casemap", engine + "^[[(]?adv?[])]?[: ]", "Ad: offer")) << engine;
        EXPECT_FALSE(has("i;ascii-casemap", engine + "^[[(]?adv?[])]?[: ]", "Re: adv: offer")) << engine;
        // A required code unit, in either case when caseless.
        EXPECT_TRUE(has("i;octet", engine + "[0-9]{2}:[0-9]{2}", "at 10:30")) << engine;
        EXPECT_FALSE(has("i;octet", engine + "[0-9]{2}:[0-9]{2}", "at 10.30")) << engine;
        EXPECT_TRUE(has("i;octet", engine + "[0-9](?i)z", "10Z")) << engine;
        EXPECT_FALSE(has("i;octet", engine + "[0-9]z", "10Z")) << engine;
        // Octets above 127 as first or required units.
        EXPECT_TRUE(has("i;octet", engine + "\\\\xe9t", "caf\xe9t")) << engine;
        EXPECT_TRUE(has("i;octet", engine + "f\\\\xe9", "caf\xe9t")) << engine;
        EXPECT_FALSE(has("i;octet", engine + "f\\\\xe9", "cafet")) << engine;
    }
    // UTF mode is left to PCRE2: invalid UTF-8 is still an error there.
    auto r = evaluate("if header :regex \"subject\" \"(*UTF)xyz\" { fileinto \"yes\"; }",
                      "Subject: caf\xe9\r\n\r\n");
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_NE(r.errors[0].find("UTF-8 error"), std::string::npos) << r.errors[0];
    // A spent budget is reported before any such answer.
    eval_limits none;
    none.regex_time_budget = std::chrono::milliseconds(0);
    EXPECT_FALSE(
        evaluate("if header :regex \"subject\" \"xyz\" { fileinto \"yes\"; }", draft_message, none).ok());
}

// What the JIT compiled is matched by pcre2_jit_match(), which does not
// check the subject's UTF-8: a pattern's own (*UTF) (without
// PCRE2_MATCH_INVALID_UTF) goes through pcre2_match(), which does, and
// invalid UTF-8 is an error as before; i;unicode-casemap's patterns
// match it (PCRE2_MATCH_INVALID_UTF), invalid octets matching nothing.
TEST(regex, invalid_utf8_subjects) {
    std::string msg = "Subject: caf\xe9 \xe9\xe9 Test\r\n\r\n";
    for (std::string engine : {"", "(*NO_JIT)"}) {
        auto r =
            evaluate("if header :regex \"subject\" \"" + engine + "(*UTF)caf\" { fileinto \"yes\"; }", msg);
        ASSERT_EQ(r.errors.size(), 1u) << engine;
        EXPECT_NE(r.errors[0].find("regular expression '" + engine + "(*UTF)caf': UTF-8 error"),
                  std::string::npos)
            << r.errors[0];
        auto unicode = [&](const std::string& pattern) {
            auto s = compiled(
                "require [\"regex\", \"comparator-i;unicode-casemap\", \"fileinto\"];\n"
                "if header :comparator \"i;unicode-casemap\" :regex \"subject\" \"" +
                engine + pattern + "\" { fileinto \"yes\"; }");
            auto m = message::from_raw(msg);
            return summary(s.run(m, default_envelope())) == "fileinto:yes";
        };
        EXPECT_TRUE(unicode("^CAF")) << engine;
        EXPECT_TRUE(unicode("test$")) << engine;
        EXPECT_FALSE(unicode("caf.")) << engine;
        EXPECT_FALSE(unicode("\\\\x{e9}")) << engine;
    }
    // The same octets under i;octet and i;ascii-casemap: no UTF, any octet.
    EXPECT_TRUE(holds("header :regex \"subject\" \"caf.\"", msg));
    EXPECT_TRUE(holds("header :comparator \"i;octet\" :regex \"subject\" \"\\\\xe9\\\\xe9\"", msg));
}

TEST(regex, compiled_script_is_shared_between_threads) {
    auto s = compiled(std::string(prelude) +
                      "if header :regex \"from\" \"^([a-z]+)\\\\+\" { fileinto \"${1}\"; }");
    auto m = message::from_raw(draft_message);
    std::vector<std::thread> threads;
    std::vector<std::string> out(4);
    for (std::size_t t = 0; t < out.size(); ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < 200; ++i) out[t] = summary(s.run(m, default_envelope()));
        });
    for (auto& t : threads) t.join();
    for (const auto& o : out) EXPECT_EQ(o, "fileinto:stephan");
}

TEST(regex, survives_bytecode_round_trip) {
    auto s =
        compiled(std::string(prelude) + "if header :regex \"subject\" \"^t(es)t$\" { fileinto \"${1}\"; }");
    auto loaded = script::load(s.save());
    ASSERT_TRUE(loaded.ok());
    auto m = message::from_raw(draft_message);
    EXPECT_EQ(summary(loaded.run(m, default_envelope())), "fileinto:es");
}

TEST(regex, quoteregex_modifier) {
    EXPECT_EQ(filed("set :quoteregex \"a\" \"a.b*c+(d)[e]{f}|^$?\\\\\"; fileinto \"${a}\";"),
              "a\\.b\\*c\\+\\(d\\)\\[e\\]\\{f\\}\\|\\^\\$\\?\\\\");
    // The quoted value matches itself literally.
    EXPECT_TRUE(holds("string :regex \"1+1=2\" \"^1\\\\+1=2$\""));
    EXPECT_EQ(
        filed("set :quoteregex \"q\" \"1+1\"; if string :regex \"1+1=2\" \"^${q}=\" { fileinto \"lit\"; }"),
        "lit");
    // Applied after the case modifiers (precedence 20 < 40).
    EXPECT_EQ(filed("set :upper :quoteregex \"a\" \"a.b\"; fileinto \"${a}\";"), "A\\.B");
}

TEST(regex, quoteregex_needs_regex_and_shares_a_precedence_with_quotewildcard) {
    auto errors = compile_errors("require [\"variables\"];\nset :quoteregex \"a\" \"b\";");
    EXPECT_NE(errors.find("2:5: error: tag :quoteregex requires the \"regex\" capability"), std::string::npos)
        << errors;
    errors = compile_errors(std::string(prelude) + "set :quotewildcard :quoteregex \"a\" \"b\";");
    EXPECT_NE(errors.find("only one quoting modifier (precedence 20) may be given"), std::string::npos)
        << errors;
}

}  // namespace
}  // namespace sift::testing::regex_tests
