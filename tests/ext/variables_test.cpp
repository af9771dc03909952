// RFC 5229 variables: set and its modifiers, references, match variables,
// the string test, namespaces, limits.
#include "test_support.hpp"

#include <random>

// Its own namespace: a unity batch shares one translation unit (prelude, holds).
namespace sift::testing::variables_tests {
namespace {

constexpr const char* prelude = "require [\"variables\", \"fileinto\"];\n";

// The mailbox of the only fileinto the script performs.
std::string filed(std::string body, std::string msg = sample_message) {
    auto s = compiled(prelude + body);
    auto m = message::from_raw(std::move(msg));
    auto r = s.run(m, default_envelope());
    EXPECT_TRUE(r.ok()) << (r.errors.empty() ? "" : r.errors[0]);
    return r.actions.empty() ? "" : mailbox_of(r.actions[0]);
}

TEST(variables, set_and_reference) {
    EXPECT_EQ(filed("set \"a\" \"x\"; set \"B\" \"${a}y\"; fileinto \"${b}-${A}\";"), "xy-x");
    EXPECT_EQ(filed("fileinto \"[${never_set}]\";"), "[]");  // unset variables are empty
}

// A template of one reference is expanded by one assign (expand's fast
// path): unset, a variable, a match variable, a value past the short
// string's room, and the same value again into a non-empty buffer.
TEST(variables, templates_of_one_reference) {
    EXPECT_EQ(filed("fileinto \"${never_set}\";"), "");
    EXPECT_EQ(filed("fileinto \"${1}\";"), "");  // no match yet
    EXPECT_EQ(filed("set \"a\" \"x\"; fileinto \"${a}\";"), "x");
    EXPECT_EQ(filed("if string :matches \"folder/sub\" \"*/*\" { fileinto \"${2}\"; }"), "sub");
    std::string longer(100, 'q');
    EXPECT_EQ(filed("set \"a\" \"" + longer + "\"; set \"b\" \"${a}\"; fileinto \"${b}\";"), longer);
    EXPECT_EQ(filed("set \"a\" \"" + longer + "\"; set \"b\" \"${a}\"; fileinto \"${b}${a}\";"),
              longer + longer);
}

TEST(variables, malformed_references_stay_literal) {
    EXPECT_EQ(filed("set \"a\" \"x\"; fileinto \"${a ${a} $ {a} ${} ${1a} ${a\";"),
              "${a x $ {a} ${} ${1a} ${a");
}

TEST(variables, modifiers_in_precedence_order) {
    EXPECT_EQ(filed("set :upper \"a\" \"Hello\"; fileinto \"${a}\";"), "HELLO");
    EXPECT_EQ(filed("set :lower :upperfirst \"a\" \"hELLO\"; fileinto \"${a}\";"), "Hello");
    EXPECT_EQ(filed("set :upperfirst :lower \"a\" \"hELLO\"; fileinto \"${a}\";"),
              "Hello");  // order written does not matter
    EXPECT_EQ(filed("set :quotewildcard \"a\" \"a*b?c\\\\\"; fileinto \"${a}\";"), "a\\*b\\?c\\\\");
    EXPECT_EQ(filed("set :length \"a\" \"K\xc3\xb6ln\"; fileinto \"${a}\";"), "4");  // characters, not octets
    EXPECT_EQ(filed("set :length :upper \"a\" \"abc\"; fileinto \"${a}\";"), "3");
}

TEST(variables, one_modifier_per_precedence) {
    auto errors = compile_errors(std::string(prelude) + "set :lower :upper \"a\" \"b\";");
    EXPECT_NE(errors.find("only one case modifier"), std::string::npos) << errors;
}

TEST(variables, invalid_names_and_namespaces) {
    EXPECT_NE(compile_errors(std::string(prelude) + "set \"1a\" \"b\";").find("invalid variable name '1a'"),
              std::string::npos);
    EXPECT_NE(compile_errors(std::string(prelude) + "set \"a-b\" \"b\";").find("invalid variable name"),
              std::string::npos);
    auto errors = compile_errors(std::string(prelude) + "set \"ns.a\" \"b\";\nfileinto \"${ns.a}\";");
    EXPECT_NE(errors.find("2:5: error: unknown variable namespace 'ns'"), std::string::npos) << errors;
    EXPECT_NE(errors.find("3:10: error: unknown variable namespace 'ns'"), std::string::npos) << errors;
}

TEST(variables, match_variables_from_matches) {
    // RFC 5229 §3.2 example.
    std::string msg =
        "List-Id: Dovecot Mailing List <dovecot@dovecot.example.net>\r\n"
        "Subject: [acme-users] [fwd] version 1.0 is out\r\n\r\n";
    EXPECT_EQ(filed("if header :matches \"List-ID\" \"*<*@*\" { fileinto \"lists.${2}\"; }", msg),
              "lists.dovecot");
    EXPECT_EQ(filed("if header :matches \"Subject\" \"[*] *\" { fileinto \"${1}|${2}\"; }", msg),
              "acme-users|[fwd] version 1.0 is out");
}

TEST(variables, wildcards_expand_leftmost_shortest) {
    EXPECT_EQ(
        filed("if string :matches \"frop:frup:frop\" \"*:*:*\" { fileinto \"${1}|${2}|${3}|${0000002}\"; }"),
        "frop|frup|frop|frup");
    EXPECT_EQ(filed("if string :matches \"frop.......frop.........frop....\" \"?*frop*\" "
                    "{ fileinto \"${1}|${2}|${3}\"; }"),
              "f|rop.......|.........frop....");
    EXPECT_EQ(filed("if string :matches \"test\" \"*\" { fileinto \"[${2}]\"; }"), "[]");
}

TEST(variables, match_values_change_only_on_success) {
    EXPECT_EQ(filed("if string :matches \"a-b\" \"*-*\" { } if string :matches \"c-d\" \"x*-*\" { } "
                    "fileinto \"${1}${2}\";"),
              "ab");
    // An :is match leaves them alone.
    EXPECT_EQ(
        filed("if string :matches \"a-b\" \"*-*\" { } if string :is \"c\" \"c\" { } fileinto \"${1}\";"),
        "a");
}

// The captures of one match are not another's: the run reuses one vector
// for them, and a later match with fewer wildcards, or one through the
// "*tail" shortcut, sees only its own.
TEST(variables, each_match_captures_only_its_own) {
    EXPECT_EQ(
        filed("if string :matches \"a-b-c\" \"*-*-*\" { } if string :matches \"x.example\" \"*.example\" "
              "{ } fileinto \"[${1}][${2}][${3}]\";"),
        "[x][][]");
    EXPECT_EQ(filed("if string :matches \"a-b-c\" \"*-*-*\" { } if string :matches \"pq\" \"?*\" { } "
                    "if string :matches \"no\" \"y*\" { } fileinto \"[${1}][${2}][${3}]\";"),
              "[p][q][]");
}

TEST(variables, string_test) {
    EXPECT_EQ(
        filed("set \"a\" \"Hello\"; if string :contains [\"x\", \"${a}\"] \"ELL\" { fileinto \"yes\"; }"),
        "yes");
    EXPECT_EQ(filed("if string :is \"\" \"\" { fileinto \"empty\"; }"), "empty");
}

// A string that is one reference alone ("${a}", "${1}") is read where the
// variable is (lone_reference), by set and by the string test: a variable
// set from itself, from one never set, from a match variable past the
// last capture, a string test of a variable beside a match that captures,
// and the limit still cuts.
TEST(variables, lone_references_read_in_place) {
    EXPECT_EQ(filed("set \"a\" \"xy\"; set \"a\" \"${a}\"; fileinto \"${a}\";"), "xy");
    EXPECT_EQ(filed("set \"a\" \"xy\"; set \"a\" \"${b}\"; fileinto \"[${a}]\";"), "[]");
    EXPECT_EQ(filed("set \"b\" \"${a}\"; set \"a\" \"z\"; fileinto \"[${b}${a}]\";"), "[z]");
    EXPECT_EQ(filed("if string :matches \"ab\" \"a*\" { set \"x\" \"${1}\"; set \"y\" \"${2}\"; }"
                    "fileinto \"${x}-[${y}]-${0}\";"),
              "b-[]-ab");
    EXPECT_EQ(filed("set \"a\" \"Hello\"; if string :matches \"${a}\" \"H*\" { fileinto \"${1}-${a}\"; }"),
              "ello-Hello");
    EXPECT_EQ(filed("set \"a\" \"on\"; if string :is \"${a}\" [\"off\", \"ON\"] { fileinto \"yes\"; }"),
              "yes");
    EXPECT_EQ(filed("if string :matches \"Hi\" \"*\" { if string :is \"${1}\" \"hi\" { fileinto \"m\"; } }"),
              "m");
    auto s = compiled(std::string(prelude) + "set \"a\" \"abcdef\"; set \"b\" \"${a}\"; fileinto \"${b}\";");
    auto m = message::from_raw(sample_message);
    eval_limits small;
    small.max_variable_size = 4;
    EXPECT_EQ(mailbox_of(s.run(m, default_envelope(), {.limits = small}).actions.at(0)), "abcd");
}

TEST(variables, runtime_redirect_address_is_checked) {
    auto s = compiled(std::string(prelude) + "set \"to\" \"not an address\";\nredirect \"${to}\";");
    auto m = message::from_raw(sample_message);
    auto r = s.run(m, default_envelope());
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(summary(r), "keep*");
    EXPECT_EQ(r.errors.at(0), "line 3: redirect address 'not an address' is invalid");
    auto good = compiled(std::string(prelude) + "set \"to\" \"a@example.com\"; redirect \"${to}\";");
    EXPECT_EQ(summary(good.run(m, default_envelope())), "redirect:a@example.com");
}

TEST(variables, values_are_truncated_at_the_limit) {
    auto s = compiled(std::string(prelude) + "set \"a\" \"\xc3\xa4\xc3\xa4\xc3\xa4\"; fileinto \"${a}\";");
    auto m = message::from_raw(sample_message);
    eval_limits small;
    small.max_variable_size = 5;  // cuts inside the third ä: keep two
    EXPECT_EQ(mailbox_of(s.run(m, default_envelope(), {.limits = small}).actions.at(0)), "\xc3\xa4\xc3\xa4");
}

// A set without modifiers copies into the variable's own string
// (exec_set_var), over a longer value set before it: over random UTF-8
// values and limits, the value cut as a plain count here says.
TEST(variables, plain_set_over_an_earlier_value_against_a_plain_cut) {
    const std::vector<std::string> pieces = {"a", "b", "1", "\xc3\xa4", "\xe2\x82\xac"};
    std::mt19937 rng(7);
    auto m = message::from_raw(sample_message);
    for (int round = 0; round < 300; ++round) {
        std::string value, earlier;
        for (auto n = rng() % 12; n-- > 0;) value += pieces[rng() % pieces.size()];
        for (auto n = rng() % 40; n-- > 0;) earlier += pieces[rng() % pieces.size()];
        eval_limits limits;
        limits.max_variable_size = 1 + rng() % 40;
        // The longest prefix of whole characters within the limit.
        std::string expected;
        for (std::size_t at = 0; at < value.size();) {
            std::size_t len = static_cast<unsigned char>(value[at]) < 0x80   ? 1
                              : static_cast<unsigned char>(value[at]) < 0xE0 ? 2
                                                                             : 3;
            if (expected.size() + len > limits.max_variable_size) break;
            expected += value.substr(at, len);
            at += len;
        }
        auto s = compiled(std::string(prelude) + "set \"a\" \"" + earlier + "\"; set \"a\" \"" + value +
                          "\"; fileinto \"x${a}\";");
        auto r = s.run(m, default_envelope(), {.limits = limits});
        ASSERT_TRUE(r.ok());
        EXPECT_EQ(mailbox_of(r.actions.at(0)), "x" + expected)
            << value << " limit " << limits.max_variable_size;
    }
}

TEST(variables, a_cut_never_splits_an_escape) {
    auto s = compiled(std::string(prelude) + "set :quotewildcard \"a\" \"ab*\"; fileinto \"${a}\";");
    auto m = message::from_raw(sample_message);
    eval_limits small;
    small.max_variable_size = 3;  // "ab\\*" cut to "ab\\" would escape nothing
    EXPECT_EQ(mailbox_of(s.run(m, default_envelope(), {.limits = small}).actions.at(0)), "ab");
    auto url = compiled(
        "require [\"variables\", \"enotify\", \"fileinto\"]; set :encodeurl \"a\" \"x\xc3\xa4\"; "
        "fileinto \"${a}\";");
    small.max_variable_size = 5;  // "x%C3%A4" cut inside the second escape of one character
    EXPECT_EQ(mailbox_of(url.run(m, default_envelope(), {.limits = small}).actions.at(0)), "x");
}

TEST(variables, distinct_variables_are_bounded_by_compile_limits) {
    // Three variables set (one twice), one only read: three count.
    std::string source =
        std::string(prelude) + "set \"a\" \"1\"; set \"b\" \"2\"; set \"A\" \"3\"; set \"c\" \"${d}\";";
    compile_limits limits;
    limits.max_variables = 3;
    EXPECT_TRUE(script::compile(source, "v.sieve", limits).ok());
    limits.max_variables = 2;
    auto s = script::compile(source, "v.sieve", limits);
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.errors().at(0).message.find("sets 3 distinct variables, more than the limit of 2"),
              std::string::npos);
}

TEST(variables, templates_survive_bytecode) {
    auto s = compiled(std::string(prelude) +
                      "set \"a\" \"x\"; if header :matches \"subject\" \"* *\" "
                      "{ fileinto \"${a}-${1}\"; }");
    auto loaded = script::load(s.save());
    ASSERT_TRUE(loaded.ok());
    auto m = message::from_raw(sample_message);
    EXPECT_EQ(mailbox_of(loaded.run(m, default_envelope()).actions.at(0)), "x-Hello");
}

}  // namespace
}  // namespace sift::testing::variables_tests
