// Validation: every rule reports FILE:LINE:COL and what is wrong, and all
// errors are reported, not only the first.
#include "test_support.hpp"
#include "validate/suggest.hpp"

namespace sift::testing {
namespace {

// The first line of each formatted diagnostic.
std::vector<std::string> error_lines(std::string_view source) {
    std::vector<std::string> out;
    auto s = script::compile(source, "v.sieve");
    for (const auto& d : s.errors())
        out.push_back(std::to_string(d.line) + ":" + std::to_string(d.column) + ": " + d.message);
    return out;
}

bool has_error(std::string_view source, std::string_view needle) {
    for (const auto& e : error_lines(source))
        if (e.find(needle) != std::string::npos) return true;
    return false;
}

TEST(validator, require_must_come_first) {
    EXPECT_TRUE(
        has_error("keep;\nrequire \"fileinto\";", "2:1: require command must come before any other command"));
    EXPECT_TRUE(
        has_error("if true { require \"fileinto\"; }", "require command can only be used at the top level"));
}

TEST(validator, unknown_capability) {
    EXPECT_TRUE(
        has_error("require [\"fileinto\", \"frobnicate\"];", "1:22: unknown Sieve capability 'frobnicate'"));
}

TEST(validator, capability_must_be_required) {
    EXPECT_TRUE(has_error("fileinto \"x\";", "1:1: command 'fileinto' requires the \"fileinto\" capability"));
    EXPECT_TRUE(has_error("if envelope \"from\" \"x\" { keep; }",
                          "test 'envelope' requires the \"envelope\" capability"));
    EXPECT_TRUE(error_lines("require \"fileinto\"; fileinto \"x\";").empty());
}

TEST(validator, unknown_names) {
    EXPECT_TRUE(has_error("frob;", "1:1: unknown command 'frob'"));
    EXPECT_TRUE(has_error("if frob { keep; }", "1:4: unknown test 'frob'"));
    EXPECT_TRUE(has_error("header \"a\" \"b\";", "'header' is a test, it cannot be used as a command"));
    EXPECT_TRUE(has_error("if keep { }", "'keep' is a command, it cannot be used as a test"));
    EXPECT_TRUE(has_error("if header :frob \"a\" \"b\" { }", "1:11: unknown tag :frob for test 'header'"));
}

TEST(validator, argument_counts_and_types) {
    EXPECT_TRUE(has_error("redirect;", "'redirect' expects 1 argument, got 0"));
    EXPECT_TRUE(has_error("keep \"x\";", "too many arguments for command 'keep'"));
    EXPECT_TRUE(has_error("redirect 5;", "1:10: 'redirect' expects a string as argument 1"));
    EXPECT_TRUE(has_error("redirect [\"a@b.c\"];", "'redirect' expects a string as argument 1"));
    EXPECT_TRUE(has_error("if header \"a\" { }", "'header' expects 2 arguments, got 1"));
    EXPECT_TRUE(has_error("if size 5 { }", "'size' requires one of its size-comparison tags"));
    EXPECT_TRUE(has_error("if size :over \"5\" { }", "'size' expects a number as argument 1"));
}

TEST(validator, tags_come_before_positional_arguments) {
    EXPECT_TRUE(
        has_error("if header \"a\" :is \"b\" { }", "tag :is must come before the positional arguments"));
}

TEST(validator, exclusive_tag_groups) {
    EXPECT_TRUE(
        has_error("if header :is :contains \"a\" \"b\" { }", "only one match-type may be given; :contains"));
    EXPECT_TRUE(
        has_error("if address :all :domain \"from\" \"b\" { }", "only one address-part may be given"));
    EXPECT_TRUE(has_error("if header :comparator \"i;octet\" :comparator \"i;octet\" \"a\" \"b\" { }",
                          "only one comparator may be given"));
    EXPECT_TRUE(has_error("if size :over :under 5 { }", "only one size-comparison may be given"));
}

TEST(validator, comparator_names_are_checked) {
    EXPECT_TRUE(
        has_error("if header :comparator \"i;frob\" \"a\" \"b\" { }", "1:23: unknown comparator 'i;frob'"));
    EXPECT_TRUE(has_error("if header :comparator 5 \"a\" \"b\" { }",
                          "tag :comparator of test 'header' expects a string"));
    EXPECT_TRUE(error_lines("if header :comparator \"I;OCTET\" \"a\" \"b\" { }").empty());
}

TEST(validator, tests_and_blocks) {
    EXPECT_TRUE(has_error("if { keep; }", "'if' expects a single test"));
    EXPECT_TRUE(has_error("if true keep;", ""));  // a syntax error: no block
    EXPECT_TRUE(has_error("if allof true { }", "'allof' expects a test list"));
    EXPECT_TRUE(has_error("if not (true, false) { }", "'not' expects a single test"));
    EXPECT_TRUE(has_error("if header \"a\" \"b\" true { }", "test 'header' takes no test"));
    EXPECT_TRUE(has_error("keep { }", "command 'keep' does not take a block"));
    EXPECT_TRUE(has_error("else { }", "'else' must follow an 'if' or 'elsif' command"));
    EXPECT_TRUE(has_error("keep; elsif true { }", "'elsif' must follow an 'if' or 'elsif' command"));
}

TEST(validator, constant_arguments_are_checked) {
    EXPECT_TRUE(has_error("redirect \"not an address\";",
                          "1:10: specified redirect address 'not an address' is invalid"));
    EXPECT_TRUE(has_error("redirect \"a@b.example, c@d.example\";", "is invalid"));
    EXPECT_TRUE(
        has_error("redirect \"r\xc3\xbc"
                  "diger@example.com\";",
                  "is invalid"));
    EXPECT_TRUE(error_lines("redirect \"Ok Good <stephan@example.org>\";").empty());
    EXPECT_TRUE(has_error("require \"fileinto\"; fileinto \"\xff\xfe\";", "mailbox name is not valid UTF-8"));
    // A header name no message can have only warns: the test never matches.
    for (auto source : {"if header \"bad name\" \"x\" { }", "if exists \"a:b\" { }"}) {
        auto s = script::compile(source, "v.sieve");
        EXPECT_TRUE(s.ok()) << source;
        ASSERT_EQ(s.warnings().size(), 1u) << source;
        EXPECT_EQ(s.warnings()[0].level, severity::warning);
        EXPECT_NE(s.warnings()[0].message.find("invalid header name"), std::string::npos);
    }
    EXPECT_EQ(run("if header :contains \"subject:\" \"\" { discard; }", sample_message), "keep*");
    EXPECT_TRUE(has_error("if address \"subject\" \"x\" { }", "header 'subject' does not hold addresses"));
    EXPECT_TRUE(
        has_error("require \"envelope\"; if envelope \"body\" \"x\" { }", "unknown envelope part 'body'"));
}

TEST(validator, reports_every_error) {
    auto errors = error_lines("frob;\nkeep 1;\nredirect \"x\";\nif size 1 { }\n");
    ASSERT_EQ(errors.size(), 4u);
    EXPECT_EQ(errors[0].substr(0, 4), "1:1:");
    EXPECT_EQ(errors[1].substr(0, 4), "2:6:");
    EXPECT_EQ(errors[2].substr(0, 5), "3:10:");
    EXPECT_EQ(errors[3].substr(0, 4), "4:4:");
}

TEST(validator, error_count_is_bounded) {
    std::string script;
    for (int i = 0; i < 200; ++i) script += "keep 1;\n";  // ("frob;" would be reported once)
    auto errors = error_lines(script);
    EXPECT_EQ(errors.size(), compile_limits{}.max_errors + 1);
    EXPECT_NE(errors.back().find("too many errors"), std::string::npos);
}

TEST(validator, formatted_diagnostic_has_excerpt_and_caret) {
    auto s = script::compile("keep;\n  frob \"x\";\n", "f.sieve");
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(format(s.errors()), "f.sieve:2:3: error: unknown command 'frob'\n  frob \"x\";\n  ^\n");
}

TEST(validator, encoded_character) {
    auto ok =
        "require [\"encoded-character\", \"fileinto\"];\n"
        "fileinto \"${hex:49 4E}${unicode:42}OX ${hex:zz} ${unicode: 20ac }\";";
    auto s = compiled(ok);
    auto msg = message::from_raw(sample_message);
    auto r = s.run(msg, default_envelope());
    ASSERT_EQ(r.actions.size(), 1u);
    EXPECT_EQ(mailbox_of(r.actions[0]), "INBOX ${hex:zz} \xe2\x82\xac");
    // Without the capability the text stays as written.
    auto plain = compiled("require \"fileinto\"; fileinto \"${hex:41}\";");
    EXPECT_EQ(mailbox_of(plain.run(msg, default_envelope()).actions[0]), "${hex:41}");
    EXPECT_TRUE(has_error("require \"encoded-character\"; redirect \"${unicode:D800}@x.example\";",
                          "invalid unicode character"));
}

TEST(validator, require_with_a_wrong_argument_is_an_error_not_a_crash) {
    EXPECT_TRUE(has_error("require 45;", "'require' expects a string list as argument 1"));
    EXPECT_TRUE(has_error("require;", "'require' expects 1 argument, got 0"));
}

// Error counts as Pigeonhole's validator counts them (its test suite checks
// them exactly): the expected lines are read off the scripts.
std::vector<std::string> error_lines_with(std::string_view source, const compile_limits& limits) {
    std::vector<std::string> out;
    auto s = script::compile(source, "v.sieve", limits);
    for (const auto& d : s.errors())
        out.push_back(std::to_string(d.line) + ":" + std::to_string(d.column) + ": " + d.message);
    return out;
}

using lines = std::vector<std::string>;

TEST(validator_counts, unknown_tag_is_reported_once_per_command) {
    EXPECT_EQ(
        error_lines("if header :frob \"a\" \"b\" { }\n"
                    "if header :frob \"a\" \"b\" { }\n"
                    "if address :frob \"from\" \"b\" { }\n"),
        (lines{"1:11: unknown tag :frob for test 'header'", "3:12: unknown tag :frob for test 'address'"}));
    // Not also "must come before the positional arguments".
    EXPECT_EQ(error_lines("if header \"a\" \"b\" :frob { }"),
              (lines{"1:19: unknown tag :frob for test 'header'"}));
}

TEST(validator_counts, unknown_name_is_reported_once) {
    EXPECT_EQ(error_lines("frob;\nfrob;\nif frob { }\n"), (lines{"1:1: unknown command 'frob'"}));
    EXPECT_EQ(
        error_lines("fileinto \"a\";\nfileinto \"b\";\n"),
        (lines{"1:1: command 'fileinto' requires the \"fileinto\" capability (require \"fileinto\";)"}));
    // Nothing inside an unknown command is looked at.
    EXPECT_EQ(error_lines("frob { frib; }"), (lines{"1:1: unknown command 'frob'"}));
    // A test used as a command is reported each time.
    EXPECT_EQ(error_lines("true;\ntrue;").size(), 2u);
}

TEST(validator_counts, one_error_for_the_arguments_count_first) {
    EXPECT_EQ(error_lines("require \"fileinto\";\nfileinto 5 \"x\";"),
              (lines{"2:12: too many arguments for command 'fileinto'"}));
    EXPECT_EQ(error_lines("require \"imap4flags\";\nsetflag;"),
              (lines{"2:1: 'setflag' expects at least 1 argument, got 0"}));
}

TEST(validator_counts, tests_checked_after_bad_arguments_block_not) {
    EXPECT_EQ(error_lines("stop \"frop\" true { stop; }"),
              (lines{"1:6: too many arguments for command 'stop'", "1:13: command 'stop' takes no test"}));
    // require with a test: its capabilities are not looked at.
    EXPECT_EQ(error_lines("require \"frob\" true;"), (lines{"1:16: command 'require' takes no test"}));
}

TEST(validator_counts, missing_semicolon_and_colon) {
    // Reported where the ';' belongs when the test is on a later line (as
    // the parser does), at the test when it is on the same line.
    EXPECT_EQ(error_lines("keep\nredirect \"a@b.example\";"),
              (lines{"1:5: missing ';' after command 'keep' ('redirect' is read as its test)"}));
    EXPECT_EQ(error_lines("keep redirect \"a@b.example\";"),
              (lines{"1:6: missing ';' after command 'keep' ('redirect' is read as its test)"}));
    EXPECT_EQ(
        error_lines("require \"imap4flags\";\naddflag [\"a\", # b\n \"c\"] # d\nredirect \"a@b.example\";"),
        (lines{"3:6: missing ';' after command 'addflag' ('redirect' is read as its test)"}));
    // After a tag (here an unknown one, reported too).
    EXPECT_EQ(error_lines("discard :frob\nredirect \"a@b.example\";"),
              (lines{"1:9: unknown tag :frob for command 'discard'",
                     "1:14: missing ';' after command 'discard' ('redirect' is read as its test)"}));
    EXPECT_EQ(error_lines("if address matches \"from\" \"x\" { }"),
              (lines{"1:4: 'address' expects 2 arguments, got 0",
                     "1:12: missing ':' before tag :matches of test 'address'"}));
}

TEST(validator_counts, unicode_hex_of_any_length) {
    EXPECT_EQ(error_lines(
                  "require [\"encoded-character\", \"fileinto\"];\nfileinto \"INBOX.${unicode:333333333}\";"),
              (lines{"2:10: invalid unicode character in encoded character: unicode:333333333"}));
    EXPECT_TRUE(
        error_lines("require \"encoded-character\";\nredirect \"${unicode:0000000041}@x.example\";").empty());
}

TEST(validator_counts, set_names) {
    EXPECT_EQ(
        error_lines("require \"variables\";\nset \"${frop}\" \"x\";\nset \"0\" \"x\";\nset \"a.\" \"x\";"),
        (lines{"2:5: invalid variable name '${frop}'", "3:5: cannot assign to match variable '0'",
               "4:5: invalid variable name 'a.'"}));
}

TEST(validator_counts, editheader_values_and_last) {
    EXPECT_EQ(
        error_lines("require \"editheader\";\naddheader \"X-A\" \"a\x07\";\naddheader \"X-A\" \"a\tb\";"),
        (lines{"2:17: header value contains the control character 0x07"}));
    EXPECT_EQ(error_lines("require \"editheader\";\ndeleteheader :last \"X-field:\";"),
              (lines{"2:1: :last requires :index"}));
}

// The run's limits have one home, eval_limits; the compile reads the ones
// the runs will use (compile_limits::run) to refuse early what they would.
TEST(validator_limits, addheader_constant_value_size) {
    eval_limits run;
    run.editheader_max_header_size = 4;
    auto src =
        "require [\"editheader\", \"variables\"];\n"
        "addheader \"X-A\" \"abcd\";\naddheader \"X-A\" \"abcde\";\naddheader \"X-A\" \"${x}abcde\";";
    EXPECT_EQ(error_lines_with(src, {.run = &run}),
              (lines{"3:17: header value is longer than the limit of 4 octets"}));
    EXPECT_TRUE(error_lines(src).empty());  // without run limits, the default: 2048
}

TEST(validator_limits, notify_prohibited) {
    eval_limits run;
    run.max_notifications = 0;
    auto src = "require \"enotify\";\nnotify \"mailto:a@b.example\";";
    EXPECT_EQ(error_lines_with(src, {.run = &run}),
              (lines{"2:1: local policy prohibits the use of a notify action"}));
    run.max_notifications = 1;
    EXPECT_TRUE(error_lines_with(src, {.run = &run}).empty());
    EXPECT_TRUE(error_lines(src).empty());  // the default is 10
}

// clang's "did you mean": the nearest known name, when it is close.
std::vector<std::string> notes_of(std::string_view source) {
    std::vector<std::string> out;
    auto s = script::compile(source, "v.sieve");
    for (const auto& d : s.errors())
        for (const auto& n : d.notes)
            out.push_back(std::to_string(n.line) + ":" + std::to_string(n.column) + ": " + n.message);
    return out;
}

TEST(validator_suggests, the_nearest_known_name) {
    EXPECT_EQ(notes_of("if header :contain \"subject\" \"x\" { keep; }"),
              (lines{"1:11: did you mean ':contains'?"}));
    EXPECT_EQ(notes_of("require \"vacation\";\nvaccation \"gone\";"),
              (lines{"2:1: did you mean 'vacation'?"}));
    EXPECT_EQ(notes_of("require \"filein\";"), (lines{"1:9: did you mean 'fileinto'?"}));
    // A test is suggested for a test, a command for a command.
    EXPECT_EQ(notes_of("if exist \"x\" { keep; }"), (lines{"1:4: did you mean 'exists'?"}));
    EXPECT_EQ(notes_of("kep;"), (lines{"1:1: did you mean 'keep'?"}));
    // Only the tags the command takes: :contains is not one of size's.
    EXPECT_EQ(notes_of("if size :undr 1K { keep; }"), (lines{"1:9: did you mean ':under'?"}));
    EXPECT_EQ(notes_of("if size :contain 1K { keep; }"), lines{});
    // Nothing when no name is near enough to be a typo of it.
    EXPECT_EQ(notes_of("frobnicate;"), lines{});
    EXPECT_EQ(notes_of("require \"x\";"), lines{});
    EXPECT_FALSE(script::compile("frobnicate;").errors().empty());
}

TEST(validator_suggests, edit_distance_counts_swaps_as_one) {
    using validate::edit_distance;
    EXPECT_EQ(edit_distance("vaccation", "vacation"), 1u);
    EXPECT_EQ(edit_distance("filein", "fileinto"), 2u);
    EXPECT_EQ(edit_distance("kepe", "keep"), 1u);
    EXPECT_EQ(edit_distance("KEEP", "keep"), 0u);
    EXPECT_EQ(edit_distance("", "abc"), 3u);
    EXPECT_EQ(edit_distance("abc", ""), 3u);
    EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
}

}  // namespace
}  // namespace sift::testing
