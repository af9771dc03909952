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

TEST(FirstErrorOnly, LaterErrorsAreNotReported) {
    auto r = parse("x [];\ny [];\n", "t");
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(r.errors[0].line, 1u);
    EXPECT_TRUE(r.script.commands.empty());
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
