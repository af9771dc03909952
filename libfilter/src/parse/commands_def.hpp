// command  = identifier arguments (";" / block)
// block    = "{" commands "}"
// commands = *command
//
// The script must end after its last command; whatever stops *command
// early is reported as "expected command" at that token.
#pragma once

#include "parse/actions.hpp"
#include "parse/annotation.hpp"
#include "parse/commands.hpp"
#include "parse/containers.hpp"
#include "parse/lexical.hpp"
#include "parse/nesting.hpp"
#include "parse/tests.hpp"

#include <boost/spirit/home/x3.hpp>

namespace sift::parse {
namespace commands_rules {

struct command_class {};
struct commands_class {};
struct command_end_class {};
struct semicolon_class {};
struct block_class {};
struct block_rest_class {};
struct open_brace_class {};
struct close_brace_class {};
struct end_of_script_class {};

x3::rule<commands_class, ast::block> const commands = "commands";
x3::rule<command_class, ast::command> const command = "command";
x3::rule<command_end_class, ast::block> const command_end = command_end_name;
x3::rule<semicolon_class> const semicolon = "';'";
x3::rule<block_class, ast::block> const block = "block";
x3::rule<block_rest_class, ast::block> const block_rest = "command or '}'";
x3::rule<open_brace_class> const open_brace = "'{'";
x3::rule<close_brace_class> const close_brace = close_brace_name;
x3::rule<end_of_script_class> const end_of_script = "command";

constexpr bool opens_block(char c) {
    return c == '{';
}

// expect[command_end][...] is `> command_end` with an action; an action
// around the rule itself would hide its name from "expected ..." messages.
auto const commands_def = many(chars::is_word_start)[command];  // *command, see containers.hpp
auto const command_def =
    node_head >> arguments >> x3::expect[command_end][actions::set_body] >> command_ended;
auto const command_end_def = semicolon | block;
auto const semicolon_def = punct<';'>;
// block_rest: `open_brace > commands > close_brace` nests one sequence in
// another, and X3 parses a nested sequence into a temporary list that it
// then copies over; a rule in between avoids that. It fails only by
// throwing (commands always succeeds), so its name is never shown.
auto const block_def = nest(opens_block)[open_brace > block_rest];
auto const block_rest_def = commands > close_brace;
auto const open_brace_def = punct<'{'>;
auto const close_brace_def = punct<'}'>;
auto const end_of_script_def = end_of_input;

BOOST_SPIRIT_DEFINE(commands, command, command_end, semicolon, block, block_rest, open_brace, close_brace,
                    end_of_script)

}  // namespace commands_rules

struct script_class {};

auto const script_def = commands_rules::commands > commands_rules::end_of_script;

BOOST_SPIRIT_DEFINE(script)

}  // namespace sift::parse
