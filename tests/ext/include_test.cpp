// include (RFC 6609): resolution when compiling, :once, :optional, return,
// global variables, and every error path with the included file's
// name:line:col.
#include "test_support.hpp"

#include <map>

namespace sift::testing {
namespace {

// Scripts by "personal:NAME" / "global:NAME".
class fake_scripts final : public script_source {
public:
    std::map<std::string, std::string> scripts;
    mutable unsigned loads = 0;

    fake_scripts& add(std::string name, std::string text, bool global = false) {
        scripts[(global ? "global:" : "personal:") + name] = std::move(text);
        return *this;
    }
    std::optional<std::string> load(std::string_view name, bool global) const override {
        ++loads;
        auto it = scripts.find((global ? "global:" : "personal:") + std::string(name));
        return it == scripts.end() ? std::nullopt : std::optional(it->second);
    }
    std::string display_name(std::string_view name, bool global) const override {
        return std::string(global ? "global/" : "") + std::string(name) + ".sieve";
    }
};

script compile_with(const fake_scripts& src, std::string_view main, compile_limits limits = {}) {
    return script::compile(main, "main.sieve", limits, &src);
}

result run_with(const fake_scripts& src, std::string_view main) {
    auto s = compile_with(src, main);
    EXPECT_TRUE(s.ok()) << format(s.errors());
    auto m = message::from_raw(sample_message);
    return s.run(m, default_envelope());
}

std::string errors_with(const fake_scripts& src, std::string_view main, compile_limits limits = {}) {
    auto s = compile_with(src, main, limits);
    EXPECT_FALSE(s.ok());
    return format(s.errors());
}

// The value of global variable "result" after the run, through a fileinto.
std::string result_of(const fake_scripts& src, std::string main) {
    auto r = run_with(src, main + "\nfileinto \"r:${result}\";");
    for (const auto& a : r.actions)
        if (auto box = mailbox_of(a); box.starts_with("r:")) return box.substr(2);
    return "<none>";
}

constexpr const char* head = "require [\"include\", \"variables\", \"fileinto\"];\nglobal \"result\";\n";

TEST(include, rfc6609_example_1) {
    fake_scripts src;
    src.add("always_allow", "if header :is \"From\" \"boss@example.com\" { keep; }")
        .add("mailing_lists",
             "require [\"fileinto\"];\nif header :is \"Subject\" \"Hello world\" { fileinto \"lists\"; }")
        .add("spam_tests",
             "require [\"reject\"];\nif header :contains \"Subject\" \"XXXX\" { reject \"Not wanted\"; }",
             true);
    auto r = run_with(src,
                      "require [\"include\"];\n"
                      "include :personal \"always_allow\";\n"
                      "include :global \"spam_tests\";\n"
                      "include :personal \"mailing_lists\";\n");
    EXPECT_EQ(summary(r), "fileinto:lists");
}

TEST(include, rfc6609_example_2_globals) {
    fake_scripts src;
    src.add("spam_filter_script",
            "require [\"variables\", \"include\"];\n"
            "global [\"test\", \"test_mailbox\"];\n"
            "if header :contains \"Subject\" \"${test}\" { set \"test_mailbox\" \"spam-${test}\"; }\n");
    auto r = run_with(src,
                      "require [\"variables\", \"include\", \"relational\", \"fileinto\", "
                      "\"comparator-i;ascii-numeric\"];\n"
                      "global \"test\";\nglobal \"test_mailbox\";\n"
                      "set \"test\" \"world\";\n"
                      "include \"spam_filter_script\";\n"
                      "set \"test\" \"$$\";\ninclude \"spam_filter_script\";\n"
                      "if string :count \"eq\" :comparator \"i;ascii-numeric\" \"${test_mailbox}\" \"1\" {\n"
                      "  fileinto \"${test_mailbox}\";\n}\n");
    EXPECT_EQ(summary(r), "fileinto:spam-world");
}

TEST(include, local_variables_are_per_script) {
    fake_scripts src;
    src.add("sub",
            "require [\"variables\", \"include\"];\nglobal \"result\";\n"
            "set \"local\" \"sub\";\nset \"result\" \"${result}[${local}]\";\n");
    EXPECT_EQ(result_of(src, std::string(head) + "set \"local\" \"main\";\ninclude \"sub\";\n"
                                                 "set \"result\" \"${result}[${local}]\";"),
              "[sub][main]");
    // Without `global`, the included script's "result" is its own.
    src.add("own", "require \"variables\";\nset \"result\" \"own\";\n");
    EXPECT_EQ(result_of(src, std::string(head) + "set \"result\" \"main\";\ninclude \"own\";"), "main");
}

TEST(include, global_namespace_without_declaration) {
    fake_scripts src;
    src.add("ns", "require [\"variables\", \"include\"];\nset \"global.a\" \"from ns\";\n");
    EXPECT_EQ(result_of(src, std::string(head) + "include \"ns\";\nset \"result\" \"${global.a}\";"),
              "from ns");
    // ${global.x} and a declared global "x" are one variable.
    src.add("decl", "require [\"variables\", \"include\"];\nglobal \"a\";\nset \"a\" \"${a}+decl\";\n");
    EXPECT_EQ(result_of(src, std::string(head) + "set \"global.a\" \"main\";\ninclude \"decl\";\n"
                                                 "set \"result\" \"${global.a}\";"),
              "main+decl");
}

TEST(include, personal_and_global_are_different_scripts) {
    fake_scripts src;
    src.add("namespace", "require [\"variables\", \"include\"];\nset \"global.a\" \"personal\";\n")
        .add("namespace", "require [\"variables\", \"include\"];\nset \"global.a\" \"global\";\n", true);
    EXPECT_EQ(result_of(src, std::string(head) +
                                 "include :personal \"namespace\";\nset \"result\" \"${global.a}\";"),
              "personal");
    EXPECT_EQ(
        result_of(src, std::string(head) + "include :global \"namespace\";\nset \"result\" \"${global.a}\";"),
        "global");
}

TEST(include, once_runs_a_script_once) {
    fake_scripts src;
    src.add("one",
            "require [\"include\", \"variables\"];\nglobal \"result\";\nset \"result\" \"${result} ONE\";\n")
        .add("two",
             "require [\"include\", \"variables\"];\nglobal \"result\";\nset \"result\" \"${result} TWO\";\n"
             "include :once \"one\";\n");
    EXPECT_EQ(result_of(src, std::string(head) + "include \"one\";\ninclude \"two\";"), " ONE TWO");
    // Without :once the script runs again.
    EXPECT_EQ(result_of(src, std::string(head) + "include \"one\";\ninclude \"one\";"), " ONE ONE");
    // A script included twice is loaded once.
    EXPECT_EQ(src.loads, 2u + 0u + 1u);
}

TEST(include, once_allows_a_cycle) {
    fake_scripts src;
    src.add("a", "require \"include\";\ninclude \"b\";\n")
        .add("b", "require \"include\";\ninclude :once \"a\";\nkeep;");
    EXPECT_EQ(summary(run_with(src, "require \"include\";\ninclude \"a\";")), "keep");
}

TEST(include, optional_missing_script_is_not_an_error) {
    fake_scripts src;
    src.add("there", "require \"fileinto\";\nfileinto \"there\";");
    EXPECT_EQ(summary(run_with(src,
                               "require \"include\";\ninclude :optional \"missing\";\n"
                               "include :optional \"there\";")),
              "fileinto:there");
    EXPECT_EQ(errors_with(src, "require \"include\";\n\ninclude \"missing\";"),
              "main.sieve:3:1: error: included personal script 'missing' not found\n"
              "include \"missing\";\n^\n");
}

TEST(include, return_ends_the_included_script_only) {
    fake_scripts src;
    src.add("early", "require [\"include\", \"fileinto\"];\nfileinto \"a\";\nreturn;\nfileinto \"b\";");
    EXPECT_EQ(
        summary(run_with(src, "require [\"include\", \"fileinto\"];\ninclude \"early\";\nfileinto \"c\";")),
        "fileinto:a; fileinto:c");
    // In the main script return is stop (§3.3).
    EXPECT_EQ(summary(run_with(src, "require [\"include\", \"fileinto\"];\nreturn;\nfileinto \"c\";")),
              "keep*");
    // stop in an included script ends everything.
    src.add("stopper", "stop;");
    EXPECT_EQ(
        summary(run_with(src, "require [\"include\", \"fileinto\"];\ninclude \"stopper\";\nfileinto \"c\";")),
        "keep*");
}

TEST(include, actions_of_included_scripts_join_the_result) {
    fake_scripts src;
    src.add("f1", "require \"fileinto\";\nfileinto \"aaaa\";")
        .add("f2", "require \"fileinto\";\nfileinto \"bbbb\";");
    EXPECT_EQ(
        summary(run_with(src, "require \"include\";\ninclude \"f1\";\ninclude \"f2\";\ninclude \"f1\";")),
        "fileinto:aaaa; fileinto:bbbb");
}

TEST(include, errors_in_an_included_script_name_its_file) {
    fake_scripts src;
    src.add("broken", "require \"fileinto\";\n\n  fileinto 42;\n");
    auto e = errors_with(src, "require \"include\";\ninclude \"broken\";");
    EXPECT_NE(e.find("broken.sieve:3:12: error: 'fileinto' expects a string"), std::string::npos) << e;
    EXPECT_NE(e.find("main.sieve:2:1: error: failed to include personal script 'broken'"), std::string::npos)
        << e;
    // Each script needs its own require.
    src.add("norequire", "fileinto \"x\";");
    e = errors_with(src, "require [\"include\", \"fileinto\"];\ninclude \"norequire\";");
    EXPECT_NE(e.find("norequire.sieve:1:1: error: command 'fileinto' requires the \"fileinto\" capability"),
              std::string::npos)
        << e;
    src.add("syntax", "keep");
    e = errors_with(src, "require \"include\";\ninclude :global \"syntax\";");
    EXPECT_NE(e.find("included global script 'syntax' not found"), std::string::npos) << e;
    e = errors_with(src, "require \"include\";\ninclude \"syntax\";");
    EXPECT_NE(e.find("syntax.sieve:1:"), std::string::npos) << e;
}

TEST(include, cycles_are_errors) {
    fake_scripts src;
    src.add("self", "require \"include\";\nkeep;\ninclude \"self\";")
        .add("two", "require \"include\";\ninclude \"two-2\";")
        .add("two-2", "require \"include\";\ninclude \"two.sieve\";");
    auto e = errors_with(src, "require \"include\";\ninclude \"self\";");
    EXPECT_NE(e.find("self.sieve:3:1: error: circular include of personal script 'self'"), std::string::npos)
        << e;
    EXPECT_NE(e.find("main.sieve:2:1: error: failed to include personal script 'self'"), std::string::npos)
        << e;
    e = errors_with(src, "require \"include\";\ninclude \"two\";");
    EXPECT_NE(e.find("two-2.sieve:2:1: error: circular include of personal script 'two.sieve'"),
              std::string::npos)
        << e;
}

TEST(include, depth_and_count_limits) {
    fake_scripts src;
    src.add("d1", "require \"include\";\ninclude \"d2\";")
        .add("d2", "require \"include\";\ninclude \"d3\";")
        .add("d3", "keep;")
        .add("x", "keep;")
        .add("y", "keep;");
    compile_limits shallow;
    shallow.max_include_depth = 2;
    auto e = errors_with(src, "require \"include\";\ninclude \"d1\";", shallow);
    EXPECT_NE(
        e.find(
            "d2.sieve:2:1: error: cannot include personal script 'd3': includes nest deeper than 2 levels"),
        std::string::npos)
        << e;
    EXPECT_TRUE(compile_with(src, "require \"include\";\ninclude \"d1\";").ok());
    compile_limits few;
    few.max_includes = 2;
    e = errors_with(src, "require \"include\";\ninclude \"x\";\ninclude \"y\";\ninclude \"d3\";", few);
    EXPECT_NE(
        e.find("main.sieve:4:1: error: cannot include personal script 'd3': more than 2 included scripts"),
        std::string::npos)
        << e;
}

TEST(include, script_names) {
    fake_scripts src;
    auto e = errors_with(src, "require \"include\";\ninclude \"../frop\";\ninclude \"a\\u2028\";");
    EXPECT_NE(e.find("main.sieve:2:9: error: invalid script name '../frop': contains '/'"), std::string::npos)
        << e;
    e = errors_with(src, "require [\"include\", \"encoded-character\"];\ninclude \"x${unicode:2028}\";");
    EXPECT_NE(e.find("line separator"), std::string::npos) << e;
    e = errors_with(src, "require [\"include\", \"variables\"];\nset \"n\" \"x\";\ninclude \"${n}\";");
    EXPECT_NE(e.find("main.sieve:3:9: error: the name of an included script must be a constant string"),
              std::string::npos)
        << e;
    // Without a script source, only :optional includes compile.
    EXPECT_NE(compile_errors("require \"include\";\ninclude \"x\";").find("no script source"),
              std::string::npos);
    EXPECT_TRUE(script::compile("require \"include\";\ninclude :optional \"x\";").ok());
}

TEST(include, global_misuse) {
    fake_scripts src;
    auto e = errors_with(src, "require \"include\";\nglobal \"x\";");
    EXPECT_NE(e.find("main.sieve:2:1: error: command 'global' requires the \"variables\" capability"),
              std::string::npos)
        << e;
    e = errors_with(src,
                    "require [\"include\", \"variables\"];\nset \"frutsels\" \"a\";\nglobal \"frutsels\";");
    EXPECT_NE(e.find("main.sieve:3:8: error: variable 'frutsels' is declared global after its use as a local "
                     "variable"),
              std::string::npos)
        << e;
    e = errors_with(src, "require [\"include\", \"variables\"];\nglobal \"a.b\";");
    EXPECT_NE(e.find("invalid variable name 'a.b' for global"), std::string::npos) << e;
    e = errors_with(src, "require [\"include\", \"variables\"];\nset \"globl.var\" \"x\";");
    EXPECT_NE(e.find("unknown variable namespace 'globl'"), std::string::npos) << e;
    e = errors_with(src, "require [\"variables\"];\nset \"global.var\" \"x\";");
    EXPECT_NE(e.find("unknown variable namespace 'global'"), std::string::npos) << e;
    // Declaring twice, or after other commands, is fine (Pigeonhole too).
    EXPECT_TRUE(
        compile_with(src, "require [\"include\", \"variables\"];\nglobal \"a\";\nkeep;\nglobal \"a\";").ok());
    // In an included script too.
    src.add("late", "require [\"include\", \"variables\"];\nset \"v\" \"${w}\";\nglobal \"w\";");
    e = errors_with(src, "require \"include\";\ninclude \"late\";");
    EXPECT_NE(e.find("late.sieve:3:8: error: variable 'w' is declared global"), std::string::npos) << e;
}

TEST(include, hasflag_on_an_included_scripts_own_variable) {
    fake_scripts src;
    src.add("flags",
            "require [\"imap4flags\", \"variables\", \"fileinto\"];\n"
            "setflag \"mine\" \"\\\\Seen\";\nif hasflag \"mine\" \"\\\\Seen\" { fileinto \"seen\"; }");
    EXPECT_EQ(summary(run_with(src,
                               "require [\"include\", \"imap4flags\", \"variables\"];\n"
                               "setflag \"mine\" \"x\";\ninclude \"flags\";")),
              "fileinto:seen");
}

TEST(include, bytecode_holds_the_included_code) {
    fake_scripts src;
    src.add("f", "require \"fileinto\";\nfileinto \"from-f\";");
    auto s = compile_with(src, "require \"include\";\ninclude \"f\";");
    ASSERT_TRUE(s.ok());
    auto loaded = script::load(s.save());
    ASSERT_TRUE(loaded.ok()) << format(loaded.errors());
    auto m = message::from_raw(sample_message);
    EXPECT_EQ(summary(loaded.run(m, default_envelope())), "fileinto:from-f");
    EXPECT_NE(s.dump().find("include_call"), std::string::npos);
    auto caps = s.capabilities();
    EXPECT_NE(std::find(caps.begin(), caps.end(), "fileinto"), caps.end());
}

TEST(include, literal_in_a_script_without_variables_stays_literal) {
    fake_scripts src;
    src.add("lit", "require \"fileinto\";\nfileinto \"${x}\";");
    auto r = run_with(src,
                      "require [\"include\", \"variables\", \"fileinto\"];\nset \"x\" \"X\";\n"
                      "fileinto \"${x}\";\ninclude \"lit\";");
    EXPECT_EQ(summary(r), "fileinto:X; fileinto:${x}");
}

}  // namespace
}  // namespace sift::testing
