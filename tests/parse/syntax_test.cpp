// RFC 5228 §8.2: commands, blocks, arguments, string lists, tests and test
// lists, with the positions every node carries.
#include "parse_helpers.hpp"

namespace sift::parse {
namespace {

using namespace testing;

TEST(Command, WithoutArguments) {
    auto r = parse_ok("keep;\nstop;");
    ASSERT_EQ(r.script.commands.size(), 2u);
    auto const& stop = r.script.commands[1];
    EXPECT_EQ(stop.name, "stop");
    EXPECT_TRUE(stop.args.empty());
    EXPECT_TRUE(stop.tests.empty());
    EXPECT_FALSE(stop.has_block);
    EXPECT_EQ(pos(stop.pos), "2:1@6");
    EXPECT_EQ(pos(stop.end), "2:5@10");
}

TEST(Command, ArgumentsInOrder) {
    auto c = first_command("vacation :days 3 :subject \"hi\" [\"a\", \"b\"] \"body\";");
    ASSERT_EQ(c.args.size(), 6u);
    EXPECT_EQ(std::get<ast::tag>(c.args[0]).name, "days");
    EXPECT_EQ(std::get<ast::number>(c.args[1]).value, 3u);
    EXPECT_EQ(std::get<ast::tag>(c.args[2]).name, "subject");
    EXPECT_EQ(strings(c.args[3]).items.at(0).value, "hi");
    EXPECT_EQ(strings(c.args[4]).items.size(), 2u);
    EXPECT_EQ(strings(c.args[5]).items.at(0).value, "body");
    EXPECT_EQ(pos(std::get<ast::number>(c.args[1]).pos), "1:16@15");
}

TEST(StringList, SingleStringIsAnUnbracketedList) {
    auto const c = first_command("x \"a\";");
    auto const& list = strings(c.args.at(0));
    EXPECT_FALSE(list.bracketed);
    ASSERT_EQ(list.items.size(), 1u);
    EXPECT_EQ(list.items[0].value, "a");
}

TEST(StringList, BracketedWithOneOrMany) {
    auto c = first_command("x [\"a\"] [ \"b\" , \"c\",\"d\" ];");
    auto const& one = strings(c.args.at(0));
    EXPECT_TRUE(one.bracketed);
    EXPECT_EQ(one.items.size(), 1u);
    auto const& many = strings(c.args.at(1));
    ASSERT_EQ(many.items.size(), 3u);
    EXPECT_EQ(many.items[2].value, "d");
    EXPECT_EQ(pos(many.pos), "1:9@8");
    EXPECT_EQ(pos(many.items[1].pos), "1:17@16");
}

TEST(SieveTest, CommandWithSingleTestAndBlock) {
    auto c = first_command("if true { }");
    EXPECT_EQ(c.name, "if");
    ASSERT_EQ(c.tests.size(), 1u);
    EXPECT_FALSE(c.test_list);
    EXPECT_EQ(c.tests[0].name, "true");
    EXPECT_EQ(pos(c.tests[0].pos), "1:4@3");
    EXPECT_TRUE(c.has_block);
    EXPECT_TRUE(c.body.empty());
    EXPECT_EQ(pos(c.end), "1:11@10");
}

TEST(SieveTest, ArgumentsThenTest) {
    auto c = first_command("if header :contains [\"from\"] \"x\" {}");
    auto const& t = c.tests.at(0);
    EXPECT_EQ(t.name, "header");
    ASSERT_EQ(t.args.size(), 3u);
    EXPECT_TRUE(t.tests.empty());
}

TEST(SieveTest, TestInsideTestArguments) {
    auto c = first_command("if not exists \"x\" {}");
    auto const& n = c.tests.at(0);
    EXPECT_EQ(n.name, "not");
    ASSERT_EQ(n.tests.size(), 1u);
    EXPECT_FALSE(n.test_list);
    EXPECT_EQ(n.tests[0].name, "exists");
    EXPECT_EQ(n.tests[0].args.size(), 1u);
}

TEST(TestList, OneOrManyTests) {
    auto c = first_command("if allof(a, b :x 1, c(d)) {}");
    auto const& all = c.tests.at(0);
    EXPECT_TRUE(all.test_list);
    ASSERT_EQ(all.tests.size(), 3u);
    EXPECT_EQ(all.tests[1].name, "b");
    EXPECT_EQ(all.tests[1].args.size(), 2u);
    EXPECT_TRUE(all.tests[2].test_list);
    EXPECT_EQ(all.tests[2].tests.at(0).name, "d");
    EXPECT_EQ(pos(all.tests[2].pos), "1:21@20");

    auto one = first_command("if anyof (not true) {}").tests.at(0);
    EXPECT_TRUE(one.test_list);
    ASSERT_EQ(one.tests.size(), 1u);
    EXPECT_EQ(one.tests[0].tests.at(0).name, "true");
}

TEST(TestList, OnACommand) {
    auto c = first_command("x (a, b);");
    EXPECT_TRUE(c.test_list);
    EXPECT_EQ(c.tests.size(), 2u);
}

TEST(TestList, TestsWithArgumentsAndNestedTests) {
    auto c = first_command("if anyof (not true, header :is \"a\" \"b\", allof (c, not d)) {}");
    auto const& any = c.tests.at(0);
    ASSERT_EQ(any.tests.size(), 3u);
    EXPECT_EQ(any.tests[0].tests.at(0).name, "true");
    EXPECT_EQ(any.tests[1].args.size(), 3u);
    EXPECT_EQ(any.tests[2].tests.at(1).tests.at(0).name, "d");
}

TEST(Block, NestedBlocksAndEndPositions) {
    auto r = parse_ok("if a {\n  if b {\n    keep;\n  }\n  stop;\n}\n");
    auto const& outer = r.script.commands.at(0);
    ASSERT_EQ(outer.body.size(), 2u);
    auto const& inner = outer.body[0];
    EXPECT_EQ(pos(inner.pos), "2:3@9");
    EXPECT_EQ(pos(inner.body.at(0).pos), "3:5@20");
    EXPECT_EQ(pos(inner.body.at(0).end), "3:9@24");
    EXPECT_EQ(pos(inner.end), "4:3@28");
    EXPECT_EQ(outer.body[1].name, "stop");
    EXPECT_EQ(pos(outer.end), "6:1@38");
}

TEST(Block, CommandWithBlockButNoTest) {
    auto c = first_command("x { y; } z;");
    EXPECT_TRUE(c.has_block);
    EXPECT_EQ(c.body.at(0).name, "y");
    EXPECT_EQ(parse_ok("x { y; } z;").script.commands.size(), 2u);
}

TEST(Block, ElsifChainIsJustCommands) {
    auto r = parse_ok("if a { keep; } elsif b { stop; } else { discard; }");
    ASSERT_EQ(r.script.commands.size(), 3u);
    EXPECT_EQ(r.script.commands[1].name, "elsif");
    EXPECT_EQ(r.script.commands[2].tests.size(), 0u);
}

TEST(Script, TypicalScript) {
    auto r = parse_ok(R"(require ["fileinto", "reject"];
# Sort mailing lists
if address :is :domain "from" "example.com" {
    fileinto "INBOX.example";
} elsif anyof (header :contains "subject" "[SPAM]", size :over 1M) {
    reject text:
Go away.
..signature
.
;
}
)");
    ASSERT_EQ(r.script.commands.size(), 3u);
    auto const& elsif = r.script.commands[2];
    EXPECT_EQ(std::get<ast::number>(elsif.tests.at(0).tests.at(1).args.at(1)).value, 1u << 20);
    EXPECT_EQ(first_string(elsif.body.at(0)), "Go away.\r\n.signature\r\n");
}

TEST(Positions, OffsetsAndColumnsCountBytes) {
    auto r = parse("x \"\xc3\xa9\" :t;", "t");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(pos(std::get<ast::tag>(r.script.commands[0].args[1]).pos), "1:8@7");
}

}  // namespace
}  // namespace sift::parse
