// Every syntax error the parser reports, with the line:column it points at:
// the offending token itself, past any whitespace and comments before it.
#include "parse_helpers.hpp"

namespace sift::parse {
namespace {

using namespace testing;

TEST(CommandEnd, MissingSemicolon) {
    EXPECT_EQ(error_of("keep"),
              "1:5: syntax error: expected ';' or '{' after command arguments, found end of script");
    EXPECT_EQ(error_of("keep 1\n)"),
              "2:1: syntax error: expected ';' or '{' after command arguments, found ')'");
    EXPECT_EQ(error_of("keep\n  /* c */ )"),
              "2:11: syntax error: expected ';' or '{' after command arguments, found ')'");
    EXPECT_EQ(error_of("if true, false {}"),
              "1:8: syntax error: expected ';' or '{' after command arguments, found ','");
    EXPECT_EQ(error_of("keep ]"),
              "1:6: syntax error: expected ';' or '{' after command arguments, found ']'");
}

TEST(CommandEnd, TokenAfterATestReportsTheCommand) {
    EXPECT_EQ(error_of("if true ) {}"),
              "1:9: syntax error: expected ';' or '{' after command arguments, found ')'");
}

TEST(Script, ExpectedCommand) {
    EXPECT_EQ(error_of("\"x\";"), "1:1: syntax error: expected command, found quoted string");
    EXPECT_EQ(error_of("keep;\n\n  42;"), "3:3: syntax error: expected command, found '42'");
    EXPECT_EQ(error_of("keep; ;"), "1:7: syntax error: expected command, found ';'");
    EXPECT_EQ(error_of(":x;"), "1:1: syntax error: expected command, found ':'");
    EXPECT_EQ(error_of("{ keep; }"), "1:1: syntax error: expected command, found '{'");
    EXPECT_EQ(error_of("keep;\n# c\n\xff"), "3:1: syntax error: expected command, found '\\xff'");
    EXPECT_EQ(error_of(std::string("keep;\0", 6)), "1:6: syntax error: expected command, found '\\x00'");
}

TEST(Script, UnmatchedClosingBrace) {
    EXPECT_EQ(error_of("keep;\n}"), "2:1: syntax error: unexpected '}' without a matching '{'");
    EXPECT_EQ(error_of("if a { } }"), "1:10: syntax error: unexpected '}' without a matching '{'");
}

TEST(Block, Unclosed) {
    EXPECT_EQ(error_of("if true {\n  keep;\n"),
              "3:1: syntax error: expected command or '}', found end of script");
    EXPECT_EQ(error_of("if true { \"x\" }"),
              "1:11: syntax error: expected command or '}', found quoted string");
    EXPECT_EQ(error_of("if true { keep; ) }"), "1:17: syntax error: expected command or '}', found ')'");
}

TEST(StringList, Empty) {
    EXPECT_EQ(error_of("x [];"), "1:4: syntax error: expected string, found ']'");
    EXPECT_EQ(error_of("x [ # c\n ];"), "2:2: syntax error: expected string, found ']'");
}

TEST(StringList, ItemsMustBeStrings) {
    EXPECT_EQ(error_of("x [1];"), "1:4: syntax error: expected string, found '1'");
    EXPECT_EQ(error_of("x [\"a\", :b];"), "1:9: syntax error: expected string, found ':'");
    EXPECT_EQ(error_of("x [\"a\",];"), "1:8: syntax error: expected string, found ']'");
    EXPECT_EQ(error_of("x [\"a\", ["), "1:9: syntax error: expected string, found '['");
}

TEST(StringList, MissingCloseOrComma) {
    EXPECT_EQ(error_of("x [\"a\" \"b\"];"), "1:8: syntax error: expected ']' or ',', found quoted string");
    EXPECT_EQ(error_of("x [\"a\";"), "1:7: syntax error: expected ']' or ',', found ';'");
    EXPECT_EQ(error_of("x [\"a\""), "1:7: syntax error: expected ']' or ',', found end of script");
    EXPECT_EQ(error_of("x [\"a\")"), "1:7: syntax error: expected ']' or ',', found ')'");
}

TEST(TestList, Empty) {
    EXPECT_EQ(error_of("if anyof() {}"), "1:10: syntax error: expected test, found ')'");
    EXPECT_EQ(error_of("if () {}"), "1:5: syntax error: expected test, found ')'");
}

TEST(TestList, ItemsMustBeTests) {
    EXPECT_EQ(error_of("if anyof(\"a\") {}"), "1:10: syntax error: expected test, found quoted string");
    EXPECT_EQ(error_of("if anyof(a, ) {}"), "1:13: syntax error: expected test, found ')'");
    EXPECT_EQ(error_of("if anyof(a, 1) {}"), "1:13: syntax error: expected test, found '1'");
    EXPECT_EQ(error_of("if ((a)) {}"), "1:5: syntax error: expected test, found '('");
}

TEST(TestList, MissingCloseOrComma) {
    EXPECT_EQ(error_of("if anyof(a; {}"), "1:11: syntax error: expected ')' or ',', found ';'");
    EXPECT_EQ(error_of("if anyof(a\n"), "2:1: syntax error: expected ')' or ',', found end of script");
    EXPECT_EQ(error_of("if anyof(a \"x\" ] {}"), "1:16: syntax error: expected ')' or ',', found ']'");
}

// After a broken command the parser resumes at its end (its ';', past its
// block, or at the '}' around it), so every broken command is reported.
std::string all_errors(std::string_view source, compile_limits const& limits = {}) {
    auto r = parse(source, "t", limits);
    EXPECT_TRUE(r.script.commands.empty());  // a script with errors has no tree
    std::string out;
    for (const auto& d : r.errors) out += std::to_string(d.line) + ":" + std::to_string(d.column) + " ";
    return out;
}

TEST(Recovery, EveryBrokenCommandIsReported) {
    EXPECT_EQ(all_errors("x [];\ny [];\n"), "1:4 2:4 ");
    EXPECT_EQ(all_errors("keep 1 ]\nstop;\nkeep ]\n"), "1:8 3:6 ");
}

TEST(Recovery, ResumesAfterTheBrokenCommandsBlockOrAtTheEnclosingOne) {
    // The broken if is skipped with its whole block; the next command is read.
    EXPECT_EQ(all_errors("if header :is \"a\" ) { keep; }\nstop ]\n"), "1:19 2:6 ");
    // A broken command inside a block: the block's '}' still closes it.
    EXPECT_EQ(all_errors("if true { keep ] }\nstop ]\n"), "1:16 2:6 ");
    // Braces, semicolons, quotes inside strings and comments do not count.
    EXPECT_EQ(all_errors("x ) \"};{\\\"\" /* } ; */ # };\n;\nstop ]\n"), "1:3 3:6 ");
    EXPECT_EQ(all_errors("x ) text:\n};\n.\n;\nstop ]\n"), "1:3 5:6 ");
}

TEST(Recovery, ATokenIsReportedOnceAndTheLimitHolds) {
    // No ';' before the '}', which has no '{': one error, not two.
    EXPECT_EQ(all_errors("keep;\nfileinto \"a\" }\n"), "2:14 ");
    compile_limits limits;
    limits.max_errors = 3;
    EXPECT_EQ(all_errors("a ];\nb ];\nc ];\nd ];\ne ];\n", limits), "1:3 2:3 3:3 ");
}

TEST(Diagnostic, CarriesFileExcerptAndCaret) {
    auto r = parse("keep;\n  fileinto \"x\" }\n", "rules.sieve");
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(format(r.errors[0]),
              "rules.sieve:2:16: error: syntax error: expected ';' or '{' after command "
              "arguments, found '}'\n"
              "  fileinto \"x\" }\n"
              "               ^\n");
}

TEST(Diagnostic, ExcerptDropsCrOfCrlf) {
    auto r = parse("keep\r\n)\r\n", "t");
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(r.errors[0].excerpt, ")");
    EXPECT_EQ(r.errors[0].column, 1u);
}

}  // namespace
}  // namespace sift::parse
