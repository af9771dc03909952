// Shared helpers for the parser suites: parse a snippet and look at the
// tree or at the one diagnostic it produced as "LINE:COL: MESSAGE".
#pragma once

#include "parse/parser.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace sift::parse::testing {

inline parse_result parse_ok(std::string_view source, compile_limits const& limits = {}) {
    auto result = parse(source, "t.sieve", limits);
    EXPECT_TRUE(result.ok()) << format(result.errors);
    return result;
}

// "LINE:COL: MESSAGE" of the first error, or "ok". (The parser goes on
// after a broken command, so a snippet may have more: errors_test.cpp.)
inline std::string error_of(std::string_view source, compile_limits const& limits = {}) {
    auto result = parse(source, "t.sieve", limits);
    if (result.ok()) return "ok";
    auto const& d = result.errors.front();
    return std::to_string(d.line) + ":" + std::to_string(d.column) + ": " + d.message;
}

// A copy of the first command. Its text views the tree's arena, which is
// therefore kept until the test program ends (a few hundred bytes a call).
inline ast::command first_command(std::string_view source) {
    static std::vector<ast::arena> kept;
    auto result = parse_ok(source);
    if (result.script.commands.empty()) {
        ADD_FAILURE() << "no command in: " << source;
        return {};
    }
    ast::command copy = result.script.commands.front();
    kept.push_back(std::move(result.script.storage));
    return copy;
}

inline ast::string_list const& strings(ast::argument const& a) {
    return std::get<ast::string_list>(a);
}

inline std::string_view first_string(ast::command const& c) {
    return strings(c.args.at(0)).items.at(0).value;
}

inline std::string pos(ast::position const& p) {
    return std::to_string(p.line) + ":" + std::to_string(p.column) + "@" + std::to_string(p.offset);
}

}  // namespace sift::parse::testing
