// Every syntax error the parser reports, with the line:column it points at:
// the offending token itself, past any whitespace and comments before it;
// but a missing ';' before a later line is reported where it belongs, just
// after the command's last token.
#include "parse_helpers.hpp"

namespace sift::parse {
namespace {

using namespace testing;

TEST(CommandEnd, MissingSemicolon) {
    EXPECT_EQ(error_of("keep"),
              "1:5: syntax error: expected ';' or '{' after command arguments, found end of script");
    EXPECT_EQ(error_of("keep 1\n)"),
              "1:7: syntax error: expected ';' or '{' after command arguments, found ')' on line 2");
    EXPECT_EQ(error_of("keep\n  /* c */ )"),
              "1:5: syntax error: expected ';' or '{' after command arguments, found ')' on line 2");
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

TEST(CommandEnd, MissingSemicolonIsReportedAfterTheLastTokenNotAtTheNextLine) {
    // The case: the '}' on the next line closes the block.
    EXPECT_EQ(all_errors("if true {\n    fileinto \"Junk\"\n}\n"), "2:20 ");
    // After a comment, a bracketed list, a tag, a number, a test.
    EXPECT_EQ(error_of("if true {\n  keep # why\n}"),
              "2:7: syntax error: expected ';' or '{' after command arguments, found '}' on line 3");
    EXPECT_EQ(all_errors("if true {\n  fileinto [\"a\", \"b\"]\n}"), "2:22 ");
    EXPECT_EQ(all_errors("if true {\n  fileinto :copy\n}"), "2:17 ");
    EXPECT_EQ(all_errors("if true {\n  x 10K\n}"), "2:8 ");
    EXPECT_EQ(all_errors("if true {\n  x true\n}"), "2:9 ");
    // At the end of the script, on a line of its own.
    EXPECT_EQ(
        error_of("keep\n"),
        "1:5: syntax error: expected ';' or '{' after command arguments, found end of script on line 2");
    // A multi-line string's token ends after its "." line (RFC 5228 §8.1:
    // "." CRLF is part of it), so the ';' belongs at the next line.
    EXPECT_EQ(all_errors("if true {\n  x text:\nhi\n.\n}"), "5:1 ");
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
    auto r = parse("keep;\r\n)\r\n", "t");
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(r.errors[0].excerpt, ")");
    EXPECT_EQ(r.errors[0].column, 1u);
}

// clang's "note: to match this '{'": an unclosed block or test list says
// where it opened, the innermost one when several are open.
TEST(Diagnostic, UnclosedBlockPointsWhereItOpened) {
    auto r = parse("require \"fileinto\";\nif true {\n  if false {\n    keep;\n  }\n  stop;\n", "t");
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(r.errors[0].message, "syntax error: expected command or '}', found end of script");
    ASSERT_EQ(r.errors[0].notes.size(), 1u);
    auto const& note = r.errors[0].notes[0];
    EXPECT_EQ(note.level, severity::note);
    EXPECT_EQ(note.message, "to match this '{'");
    EXPECT_EQ(std::to_string(note.line) + ":" + std::to_string(note.column), "2:9");
    EXPECT_EQ(note.excerpt, "if true {");

    r = parse("if true {\n  if false {\n    keep;\n", "t");
    ASSERT_EQ(r.errors.size(), 1u);
    ASSERT_EQ(r.errors[0].notes.size(), 1u);
    EXPECT_EQ(r.errors[0].notes[0].line, 2u);  // the inner block

    r = parse("if anyof (true,\n          false {}", "t");
    ASSERT_EQ(r.errors.size(), 1u);
    ASSERT_EQ(r.errors[0].notes.size(), 1u);
    EXPECT_EQ(r.errors[0].notes[0].message, "to match this '('");
    EXPECT_EQ(r.errors[0].notes[0].column, 10u);

    // Other errors inside a block have no note: the block is not at fault.
    r = parse("if true { keep ] }", "t");
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_TRUE(r.errors[0].notes.empty());
}

// Columns count characters (UTF-8 code points), a tab as one; the caret
// line keeps the tabs and puts one space per character.
TEST(Diagnostic, ColumnsCountCharactersNotBytes) {
    auto r = parse("fileinto \"Grüße\" ]", "t");
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(r.errors[0].column, 18u);  // 20 bytes in
    EXPECT_EQ(format(r.errors[0]),
              "t:1:18: error: syntax error: expected ';' or '{' after command arguments, found ']'\n"
              "fileinto \"Grüße\" ]\n"
              "                 ^\n");

    r = parse("\tkeep ]", "t");
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(r.errors[0].column, 7u);
    EXPECT_EQ(format(r.errors[0]).substr(format(r.errors[0]).find("\n") + 1), "\tkeep ]\n\t     ^\n");

    // A byte that is not UTF-8 (Latin-1 'é') is one column too.
    r = parse("fileinto \"caf\xe9\" ]", "t");
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(r.errors[0].column, 17u);
}

// A 400 KB line is not echoed whole: the excerpt is cut around the caret.
TEST(Diagnostic, LongLineIsCutAroundTheCaret) {
    std::string const pad(200000, 'a');
    auto r = parse("fileinto \"" + pad + "\" ] \"" + pad + "\";", "t");
    ASSERT_EQ(r.errors.size(), 1u);
    auto const& d = r.errors[0];
    EXPECT_EQ(d.column, 200013u);
    // 40 characters before the caret, 120 in all.
    EXPECT_EQ(d.excerpt, "..." + std::string(38, 'a') + "\" ] \"" + std::string(77, 'a') + "...");
    EXPECT_EQ(d.excerpt_column, 44u);
    EXPECT_EQ(format(d),
              "t:1:200013: error: syntax error: expected ';' or '{' after command arguments, found ']'\n" +
                  d.excerpt + "\n" + std::string(43, ' ') + "^\n");

    // Cut at the start only when the caret is near the end; never inside
    // a character.
    std::string umlauts;
    for (int i = 0; i < 300; ++i) umlauts += "ü";
    r = parse("keep \"" + umlauts + "\" ]", "t");
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(r.errors[0].excerpt.substr(0, 3), "...");
    EXPECT_EQ(r.errors[0].excerpt.substr(r.errors[0].excerpt.size() - 3), "\" ]");
    EXPECT_EQ(r.errors[0].excerpt_column, 123u);
    EXPECT_TRUE(r.errors[0].excerpt.substr(3, 2) == "ü");
}

}  // namespace
}  // namespace sift::parse
