// The Sieve syntax tree (RFC 5228 §8.2), exactly as written: the parser
// knows no command names, the validator gives them meaning.
//
// Nodes carry plain line/column positions rather than X3 iterators, so the
// validator and compiler never include Spirit.
#pragma once

#include "parse/node_allocator.hpp"

#include <cstdint>
#include <memory>
#include <string_view>
#include <variant>

namespace sift::parse::ast {

struct position {
    unsigned line = 0;    // 1-based
    unsigned column = 0;  // 1-based, in bytes
    std::uint32_t offset = 0;
};

// The tree's text (string values, names) is viewed, not owned: it lies in
// the tree's arena, in the copy of the script made there or, when escapes
// or case had to be undone, in a fresh piece of the arena. So the tree
// never frees a string, and a value without escapes is never copied.

// A quoted or text: string after escape processing and dot-unstuffing.
// encoded-character and variable expansion happen later.
struct string_lit {
    position pos;
    std::string_view value;
    bool multiline = false;
};

struct string_list {
    position pos;
    list<string_lit> items;
    bool bracketed = false;  // written as [ ... ] (even with one element)
};

struct number {
    position pos;
    std::uint64_t value = 0;  // quantifier applied
};

struct tag {
    position pos;
    std::string_view name;  // lower-cased, without the ':'
};

using argument = std::variant<string_list, number, tag>;

// Where the validator put a command's or test's meaning: an index into
// validate::validated::bindings (the parser leaves it unbound).
inline constexpr std::uint32_t unbound = ~std::uint32_t(0);

struct test {
    position pos;
    std::string_view name;  // identifier, lower-cased
    list<argument> args;
    list<test> tests;        // a single test or a test-list
    bool test_list = false;  // tests were written as ( ... )
    std::uint32_t binding = unbound;
};

struct command;
using block = list<command>;

struct command {
    position pos;
    std::string_view name;  // identifier, lower-cased
    list<argument> args;
    list<test> tests;
    bool test_list = false;
    bool has_block = false;  // { ... } rather than ';'
    block body;
    position end;  // position of the ';' or of the closing '}'
    std::uint32_t binding = unbound;
};

// The tree is dropped whole with its arena. Its lists' buffers and its
// text are the arena's, so destroying it node by node would free nothing
// and cost a walk over every node: the root block is never destroyed
// (hence the union). So no code may grow the tree's lists after the parse
// (a list grown outside a parse takes heap memory that would then leak).
struct script {
    arena storage;  // the lists' and the text's memory
    union {
        block commands;
    };

    script() : commands() {}
    script(script&& other) noexcept
        : storage(std::move(other.storage)), commands(std::move(other.commands)) {}
    script& operator=(script&& other) noexcept {
        commands = std::move(other.commands);  // may free buffers in the old arena: before it goes
        storage = std::move(other.storage);
        return *this;
    }
    ~script() {}  // NOLINT(modernize-use-equals-default): leaves `commands` undestroyed on purpose

    // A copy of `text` that lives as long as the tree (a literal rewritten
    // by the validator, encoded-character say).
    std::string_view keep(std::string_view text) { return storage.copy(text); }
};

}  // namespace sift::parse::ast
