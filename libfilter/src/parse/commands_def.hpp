// command  = identifier arguments (";" / block)
// block    = "{" commands "}"
// commands = *command
//
// The script must end after its last command; whatever stops *command
// early is reported as "expected command" at that token.
#pragma once

#include "parse/annotation.hpp"
#include "parse/commands.hpp"
#include "parse/lexical.hpp"
#include "parse/nesting.hpp"
#include "parse/tests.hpp"
#include "parse/x3_ast_adapted.hpp"

#include <boost/spirit/home/x3.hpp>

#include <vector>

namespace sift::parse {
namespace commands_rules {

struct commands_class {};
struct command_class : annotate_offset {};
struct command_end_class {};
struct semicolon_class : annotate_offset {};
struct block_class {};
struct open_brace_class : annotate_offset {};
struct close_brace_class : annotate_offset {};
struct end_of_script_class {};

x3::rule<commands_class, std::vector<x3_ast::command>> const commands = "commands";
x3::rule<command_class, x3_ast::command> const command = "command";
x3::rule<command_end_class, x3_ast::command_end> const command_end = "';' or '{' after command arguments";
x3::rule<semicolon_class, x3_ast::mark> const semicolon = "';'";
x3::rule<block_class, x3_ast::block> const block = "block";
x3::rule<open_brace_class, x3_ast::mark> const open_brace = "'{'";
x3::rule<close_brace_class, x3_ast::mark> const close_brace = "command or '}'";
x3::rule<end_of_script_class> const end_of_script = "command";

constexpr bool opens_block(char c) {
    return c == '{';
}

auto const commands_def = *command;
auto const command_def = identifier >> arguments > command_end;
auto const command_end_def = semicolon | block;
// omit: a mark keeps only the position, not the character.
auto const semicolon_def = x3::omit[';'];
auto const block_def = nest(opens_block)[open_brace > commands > close_brace];
auto const open_brace_def = x3::omit['{'];
auto const close_brace_def = x3::omit['}'];
auto const end_of_script_def = x3::eoi;

BOOST_SPIRIT_DEFINE(commands, command, command_end, semicolon, block, open_brace, close_brace, end_of_script)

}  // namespace commands_rules

struct script_class {};

auto const script_def = commands_rules::commands > commands_rules::end_of_script;

BOOST_SPIRIT_DEFINE(script)

}  // namespace sift::parse
