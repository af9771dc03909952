// RFC 5228 §8.1: identifiers, tags, numbers, strings, whitespace, comments.
#include "parse_helpers.hpp"

#include <cstdint>

namespace sift::parse {
namespace {

using namespace testing;

// --- identifiers and tags -------------------------------------------------

TEST(Identifier, LowerCasedAndMayContainDigitsAndUnderscore) {
    auto c = first_command("FileInto_2 :Copy \"x\";");
    EXPECT_EQ(c.name, "fileinto_2");
    EXPECT_EQ(std::get<ast::tag>(c.args.at(0)).name, "copy");
}

TEST(Identifier, MayStartWithUnderscore) {
    EXPECT_EQ(first_command("_x;").name, "_x");
}

TEST(Identifier, CannotStartWithDigit) {
    EXPECT_EQ(error_of("1keep;"), "1:1: syntax error: expected command, found '1keep'");
}

TEST(Tag, StoredWithoutColonAndLowerCased) {
    auto c = first_command("x :IS :over_2 :_u;");
    ASSERT_EQ(c.args.size(), 3u);
    EXPECT_EQ(std::get<ast::tag>(c.args[0]).name, "is");
    EXPECT_EQ(std::get<ast::tag>(c.args[1]).name, "over_2");
    EXPECT_EQ(std::get<ast::tag>(c.args[2]).name, "_u");
    EXPECT_EQ(pos(std::get<ast::tag>(c.args[1]).pos), "1:7@6");
}

TEST(Tag, NeedsAName) {
    EXPECT_EQ(error_of("x : is;"),
              "1:3: syntax error: tag ':' without a name (expected ':' immediately followed by a "
              "letter)");
    EXPECT_EQ(error_of("x :1;").substr(0, 24), "1:3: syntax error: tag '");
    EXPECT_EQ(error_of("x :").substr(0, 24), "1:3: syntax error: tag '");
}

// --- numbers ---------------------------------------------------------------

std::uint64_t number_of(std::string const& text) {
    auto c = first_command("x " + text + ";");
    return std::get<ast::number>(c.args.at(0)).value;
}

TEST(Number, PlainDigits) {
    EXPECT_EQ(number_of("0"), 0u);
    EXPECT_EQ(number_of("007"), 7u);
    EXPECT_EQ(number_of("12345"), 12345u);
}

TEST(Number, QuantifiersAreCaseInsensitivePowersOfTwo) {
    EXPECT_EQ(number_of("1K"), 1024u);
    EXPECT_EQ(number_of("1k"), 1024u);
    EXPECT_EQ(number_of("3M"), 3u << 20);
    EXPECT_EQ(number_of("3m"), 3u << 20);
    EXPECT_EQ(number_of("2G"), std::uint64_t{2} << 30);
    EXPECT_EQ(number_of("2g"), std::uint64_t{2} << 30);
    EXPECT_EQ(number_of("0K"), 0u);
}

TEST(Number, LargestValuesFit) {
    EXPECT_EQ(number_of("18446744073709551615"), UINT64_MAX);
    EXPECT_EQ(number_of("18014398509481983K"), UINT64_MAX - 1023);
    EXPECT_EQ(number_of("17592186044415M"), UINT64_MAX - ((1u << 20) - 1));
    EXPECT_EQ(number_of("17179869183G"), UINT64_MAX - ((1u << 30) - 1));
    EXPECT_EQ(number_of("000000000000000000000000018446744073709551615"), UINT64_MAX);
}

TEST(Number, OverflowAtTwoToTheSixtyFour) {
    char const* const too_large = "syntax error: number too large (exceeds 2^64-1)";
    EXPECT_EQ(error_of("x 18446744073709551616;"), std::string("1:3: ") + too_large);
    EXPECT_EQ(error_of("x 99999999999999999999;"), std::string("1:3: ") + too_large);
    EXPECT_EQ(error_of("x\n  18014398509481984K;"), std::string("2:3: ") + too_large);
    EXPECT_EQ(error_of("x 17592186044416M;"), std::string("1:3: ") + too_large);
    EXPECT_EQ(error_of("x 17179869184G;"), std::string("1:3: ") + too_large);
    EXPECT_EQ(error_of("x 18446744073709551615K;"), std::string("1:3: ") + too_large);
}

TEST(Number, LettersAfterDigitsAreAnError) {
    EXPECT_EQ(error_of("x 12x;"),
              "1:5: syntax error: invalid number suffix 'x' (only K, M or G may follow the digits)");
    EXPECT_EQ(error_of("x 12KB;"),
              "1:6: syntax error: invalid number suffix 'B' (only K, M or G may follow the digits)");
    EXPECT_EQ(error_of("x 1_;"),
              "1:4: syntax error: invalid number suffix '_' (only K, M or G may follow the digits)");
}

TEST(Number, MayBeFollowedDirectlyByPunctuation) {
    auto c = first_command("x 1K[\"a\"]2;");
    ASSERT_EQ(c.args.size(), 3u);
    EXPECT_EQ(std::get<ast::number>(c.args[2]).value, 2u);
}

// --- quoted strings --------------------------------------------------------

TEST(QuotedString, PlainAndEmpty) {
    EXPECT_EQ(first_string(first_command("x \"hello world\";")), "hello world");
    EXPECT_EQ(first_string(first_command("x \"\";")), "");
}

TEST(QuotedString, OnlyBackslashAndQuoteAreEscapes) {
    EXPECT_EQ(first_string(first_command(R"(x "a\\b";)")), "a\\b");
    EXPECT_EQ(first_string(first_command(R"(x "say \"hi\"";)")), "say \"hi\"");
    // RFC 5228 §2.4.2: any other backslash is dropped.
    EXPECT_EQ(first_string(first_command(R"(x "\a\n\t\x";)")), "antx");
    EXPECT_EQ(first_string(first_command(R"(x "\\\\";)")), "\\\\");
}

TEST(QuotedString, MaySpanLinesWithCrlfLineEndings) {
    // RFC 5228's grammar has CRLF; a bare LF in the file reads as CRLF.
    EXPECT_EQ(first_string(first_command("x \"a\nb\r\nc\";")), "a\r\nb\r\nc");
}

TEST(QuotedString, KeepsCommentLikeTextAndArbitraryBytes) {
    EXPECT_EQ(first_string(first_command("x \"# not /* a comment */\";")), "# not /* a comment */");
    std::string raw("x \"\xc3\xa9\0\xff\";", 9);
    EXPECT_EQ(first_string(first_command(raw)), std::string("\xc3\xa9\0\xff", 4));
}

TEST(QuotedString, Unterminated) {
    char const* const msg = "syntax error: unterminated string (missing closing '\"')";
    EXPECT_EQ(error_of("x \"abc"), std::string("1:3: ") + msg);
    EXPECT_EQ(error_of("keep;\nx  \"abc\\\"\n;"), std::string("2:4: ") + msg);
    EXPECT_EQ(error_of("x \"abc\\"), std::string("1:3: ") + msg);
}

TEST(QuotedString, Position) {
    auto c = first_command("x\n   \"s\";");
    EXPECT_EQ(pos(strings(c.args[0]).pos), "2:4@5");
    EXPECT_EQ(pos(strings(c.args[0]).items[0].pos), "2:4@5");
    EXPECT_FALSE(strings(c.args[0]).items[0].multiline);
}

// --- multi-line strings ----------------------------------------------------

TEST(MultiLine, LfLinesReadAsCrlf) {
    auto c = first_command("x text:\nline 1\nline 2\n.\n;");
    EXPECT_EQ(first_string(c), "line 1\r\nline 2\r\n");
    EXPECT_TRUE(strings(c.args[0]).items[0].multiline);
    EXPECT_FALSE(strings(c.args[0]).bracketed);
}

TEST(MultiLine, CrlfLinesKeepCrlf) {
    EXPECT_EQ(first_string(first_command("x text:\r\nline 1\r\nline 2\r\n.\r\n;")), "line 1\r\nline 2\r\n");
}

TEST(MultiLine, MixedEndingsAllReadAsCrlf) {
    EXPECT_EQ(first_string(first_command("x text:\r\na\nb\r\n.\n;")), "a\r\nb\r\n");
}

TEST(MultiLine, Empty) {
    EXPECT_EQ(first_string(first_command("x text:\n.\n;")), "");
}

TEST(MultiLine, DotUnstuffing) {
    // ".." loses one dot; a single leading dot stays (Pigeonhole's lexer
    // test reads RFC 5228 §2.4.2 so).
    auto c = first_command("x text:\n..\n...x\n.y\n. \n.\n;");
    EXPECT_EQ(first_string(c), ".\r\n..x\r\n.y\r\n. \r\n");
}

TEST(MultiLine, DotUnstuffingWithCrlf) {
    EXPECT_EQ(first_string(first_command("x text:\r\n..\r\n.\r\n;")), ".\r\n");
}

TEST(MultiLine, NoEscapesInside) {
    EXPECT_EQ(first_string(first_command("x text:\n\\\" \"quoted\" # /* */\n.\n;")),
              "\\\" \"quoted\" # /* */\r\n");
}

TEST(MultiLine, WhitespaceAndHashCommentAfterTextColon) {
    EXPECT_EQ(first_string(first_command("x text: \t# a comment\nbody\n.\n;")), "body\r\n");
    EXPECT_EQ(first_string(first_command("x text:#c\r\nbody\r\n.\r\n;")), "body\r\n");
    EXPECT_EQ(first_string(first_command("x text:   \r\nbody\r\n.\r\n;")), "body\r\n");
}

TEST(MultiLine, TextColonIsCaseInsensitive) {
    EXPECT_EQ(first_string(first_command("x TEXT:\nA\n.\n;")), "A\r\n");
    EXPECT_EQ(first_string(first_command("x Text:\nA\n.\n;")), "A\r\n");
}

TEST(MultiLine, TerminatorMayEndTheScript) {
    auto r = parse("x text:\na\n.", "t");
    EXPECT_FALSE(r.ok());  // the ';' is still missing, but the string ended
    EXPECT_EQ(error_of("x text:\na\n."),
              "3:2: syntax error: expected ';' or '{' after command arguments, found end of "
              "script");
}

TEST(MultiLine, Position) {
    auto c = first_command("x  text:\n.\n;");
    EXPECT_EQ(pos(strings(c.args[0]).items[0].pos), "1:4@3");
    EXPECT_EQ(pos(c.end), "3:1@11");
}

TEST(MultiLine, InAListAndFollowedByTokensOnTheNextLine) {
    auto c = first_command("x [text:\na\n.\n, \"b\", text:\nc\n.\n] 5;");
    auto const& list = strings(c.args[0]);
    ASSERT_EQ(list.items.size(), 3u);
    EXPECT_EQ(list.items[0].value, "a\r\n");
    EXPECT_EQ(list.items[1].value, "b");
    EXPECT_EQ(list.items[2].value, "c\r\n");
    EXPECT_EQ(std::get<ast::number>(c.args[1]).value, 5u);
}

TEST(MultiLine, Unterminated) {
    char const* const msg = "syntax error: unterminated multi-line string (missing a line with only '.')";
    EXPECT_EQ(error_of("x text:\nabc\n"), std::string("1:3: ") + msg);
    EXPECT_EQ(error_of("x\n text:\nabc\n.x\n"), std::string("2:2: ") + msg);
    EXPECT_EQ(error_of("x text:"), std::string("1:3: ") + msg);
    EXPECT_EQ(error_of("x text: # comment"), std::string("1:3: ") + msg);
    EXPECT_EQ(error_of("x text:\n .\n"), std::string("1:3: ") + msg);
}

TEST(MultiLine, TextColonMustEndTheLine) {
    EXPECT_EQ(error_of("x text: \"a\";"),
              "1:9: syntax error: expected a line break after 'text:', found quoted string");
    EXPECT_EQ(error_of("x text:abc\n.\n;"),
              "1:8: syntax error: expected a line break after 'text:', found 'abc'");
    EXPECT_EQ(error_of("x text:\r.\n;"),
              "1:8: syntax error: expected a line break after 'text:', found '\\x0d'");
}

// --- whitespace and comments -----------------------------------------------

TEST(Whitespace, EmptyScript) {
    EXPECT_TRUE(parse_ok("").script.commands.empty());
    EXPECT_TRUE(parse_ok(" \t\r\n\n").script.commands.empty());
}

TEST(Whitespace, ScriptOfOnlyComments) {
    EXPECT_TRUE(parse_ok("# one\n/* two */ # three").script.commands.empty());
    EXPECT_TRUE(parse_ok("/**/").script.commands.empty());
    EXPECT_TRUE(parse_ok("#").script.commands.empty());
    EXPECT_TRUE(parse_ok("/* multi\r\n line * / ** */\r\n").script.commands.empty());
}

TEST(Whitespace, NoneNeededBetweenTokens) {
    auto c = first_command("if true{keep;}");
    EXPECT_EQ(c.name, "if");
    EXPECT_EQ(c.body.size(), 1u);
    EXPECT_EQ(first_command("x\"a\"[\"b\"]:c 1;").args.size(), 4u);
}

TEST(Whitespace, BareCarriageReturnIsNotWhitespace) {
    EXPECT_EQ(error_of("keep;\rkeep;"), "1:6: syntax error: expected command, found '\\x0d'");
}

TEST(Whitespace, TabsAndLineEndingsEverywhere) {
    auto r = parse_ok("\tif\r\n\tanyof\n(\ttrue\r\n,\nfalse\t)\n{\r\n\tkeep\t;\n}\n");
    ASSERT_EQ(r.script.commands.size(), 1u);
    EXPECT_EQ(r.script.commands[0].tests.at(0).tests.size(), 2u);
}

// A comment of each kind between every pair of tokens of a script that
// uses every token kind.
TEST(Comments, AllowedWhereverWhitespaceIs) {
    std::string const tokens[] = {
        "if", "anyof", "(", "not",  "header", ":is", "[",    "\"a\"", ",", "text:\nb\n.\n",
        "]",  "1K",    ",", "true", ")",      "{",   "keep", ";",     "}"};
    for (std::string comment : {"/* c */", "# c\n", "/* multi\nline */", "#\r\n", "/**/"}) {
        std::string script;
        for (auto const& t : tokens) script += comment + t;
        script += comment;
        auto r = parse(script, "t");
        ASSERT_TRUE(r.ok()) << comment << "\n" << format(r.errors);
        auto const& c = r.script.commands.at(0);
        EXPECT_EQ(c.tests.at(0).tests.size(), 2u);
        EXPECT_EQ(c.body.at(0).name, "keep");
    }
}

TEST(Comments, HashCommentEndsAtLineEndOrScriptEnd) {
    auto r = parse_ok("keep; # comment ; } {\nstop; # last");
    EXPECT_EQ(r.script.commands.size(), 2u);
}

TEST(Comments, BracketCommentsDoNotNest) {
    EXPECT_EQ(error_of("/* /* */ */"), "1:10: syntax error: expected command, found '*'");
}

TEST(Comments, UnterminatedBracketComment) {
    EXPECT_EQ(error_of("keep;\n  /* never closed\n\nkeep;"), "2:3: syntax error: unterminated comment");
    EXPECT_EQ(error_of("keep /*"), "1:6: syntax error: unterminated comment");
    EXPECT_EQ(error_of("keep /*/"), "1:6: syntax error: unterminated comment");
    EXPECT_EQ(error_of("x [\"a\" /* , \"b\"];"), "1:8: syntax error: unterminated comment");
}

TEST(Comments, CommentMarkersInsideStringsAreText) {
    EXPECT_EQ(first_string(first_command("x \"/* x\";")), "/* x");
}

}  // namespace
}  // namespace sift::parse
