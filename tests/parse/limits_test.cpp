// compile_limits: nesting depth and script size, and the inputs they exist
// for (deep recursion that would otherwise overflow the stack).
#include "parse_helpers.hpp"

#include <string>

namespace sift::parse {
namespace {

using namespace testing;

std::string repeat(std::string const& s, std::size_t n) {
    std::string out;
    out.reserve(s.size() * n);
    for (std::size_t i = 0; i < n; ++i) out += s;
    return out;
}

std::string nested_blocks(std::size_t depth) {
    return repeat("x{", depth) + "keep;" + repeat("}", depth);
}

TEST(Nesting, BlocksUpToTheLimit) {
    auto r = parse_ok(nested_blocks(64));
    ast::command const* c = &r.script.commands.at(0);
    for (int i = 1; i < 64; ++i) c = &c->body.at(0);
    EXPECT_EQ(c->body.at(0).name, "keep");
}

TEST(Nesting, OneBlockTooMany) {
    // The 65th '{' is at offset 2*65-1.
    EXPECT_EQ(error_of(nested_blocks(65)), "1:130: nesting too deep (limit 64)");
}

TEST(Nesting, CustomLimit) {
    compile_limits limits;
    limits.max_nesting = 2;
    EXPECT_EQ(error_of("x{x{x;}}", limits), "ok");
    EXPECT_EQ(error_of("x{x{x{}}}", limits), "1:6: nesting too deep (limit 2)");
    // Tests count too: the test of "if" is one level, the test of "not"
    // a second. A test list is one level and its items share it.
    EXPECT_EQ(error_of("if not true;", limits), "ok");
    EXPECT_EQ(error_of("if not not true;", limits), "1:12: nesting too deep (limit 2)");
    EXPECT_EQ(error_of("if allof(a, b);", limits), "ok");
    EXPECT_EQ(error_of("if allof(a, not b);", limits), "1:17: nesting too deep (limit 2)");
}

TEST(Nesting, CommandsAtTheDeepestLevelStillParse) {
    compile_limits limits;
    limits.max_nesting = 1;
    // At depth 1 a command without a test, and the arguments that follow,
    // do not open a new level.
    EXPECT_EQ(error_of("x { keep :a \"b\" 1; }", limits), "ok");
    EXPECT_EQ(error_of("x { keep )", limits),
              "1:10: syntax error: expected ';' or '{' after command arguments, found ')'");
}

TEST(Nesting, NotChainUpToTheLimit) {
    // "if" + 63 "not" + "true": 64 tests, each nested in the one before.
    EXPECT_EQ(error_of("if " + repeat("not ", 63) + "true;"), "ok");
    EXPECT_EQ(error_of("if " + repeat("not ", 64) + "true;"),
              "1:" + std::to_string(3 + 4 * 64 + 1) + ": nesting too deep (limit 64)");
}

TEST(Nesting, TestListsCount) {
    std::string const deep = "if " + repeat("allof(", 65) + "true" + repeat(")", 65) + ";";
    EXPECT_EQ(error_of(deep), "1:" + std::to_string(3 + 6 * 63 + 5 + 1) + ": nesting too deep (limit 64)");
}

TEST(Hostile, MegabyteOfOpenParens) {
    std::string const parens(1 << 20, '(');
    EXPECT_EQ(error_of(parens), "1:1: syntax error: expected command, found '('");
    EXPECT_EQ(error_of("if " + parens), "1:5: syntax error: expected test, found '('");
}

TEST(Hostile, MegabyteOfNesting) {
    EXPECT_EQ(error_of(repeat("x{", 1 << 19)), "1:130: nesting too deep (limit 64)");
    EXPECT_EQ(error_of(repeat("{", 1 << 20)), "1:1: syntax error: expected command, found '{'");
    EXPECT_EQ(error_of("if " + repeat("not ", 1 << 18)).substr(0, 10), "1:260: nes");
    EXPECT_EQ(error_of("if " + repeat("a(", 1 << 19)).substr(0, 10), "1:131: nes");
}

TEST(Hostile, MegabyteOfOpenBrackets) {
    EXPECT_EQ(error_of("x " + std::string(1 << 20, '[')), "1:4: syntax error: expected string, found '['");
}

TEST(Hostile, LongFlatScriptsParse) {
    auto r = parse_ok(repeat("keep;\n", 100000));
    EXPECT_EQ(r.script.commands.size(), 100000u);
    EXPECT_EQ(r.script.commands.back().pos.line, 100000u);
    auto big = parse_ok("x [" + repeat("\"a\",", 100000) + "\"b\"];");
    EXPECT_EQ(strings(big.script.commands.at(0).args.at(0)).items.size(), 100001u);
}

TEST(ScriptSize, AtTheLimitParses) {
    compile_limits limits;
    limits.max_script_bytes = 5;
    EXPECT_EQ(error_of("keep;", limits), "ok");
}

TEST(ScriptSize, OverTheLimitIsRejectedWithoutPosition) {
    compile_limits limits;
    limits.max_script_bytes = 5;
    auto r = parse("keep; ", "big.sieve", limits);
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(r.errors[0].line, 0u);
    EXPECT_EQ(r.errors[0].message, "script too large: 6 bytes (limit 5)");
    EXPECT_EQ(format(r.errors[0]), "big.sieve: error: script too large: 6 bytes (limit 5)\n");
}

}  // namespace
}  // namespace sift::parse
