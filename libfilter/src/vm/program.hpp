// A compiled script in memory: what the compiler produces, what bytecode
// files are loaded into (after full verification), what the VM runs.
// Immutable once built; shared between threads.
#pragma once

#include "vm/opcodes.hpp"
#include "vm/strings.hpp"

#include <cstdint>
#include <optional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace sift::vm {

struct regex_code;  // a compiled :regex key (ext/regex)

struct instruction {
    opcode op;
    // Decoded operands in table order. Jump targets are absolute
    // instruction indices here (relative offsets only in the file).
    std::array<std::uint64_t, max_operands> arg{};
};

struct program {
    std::string name;                             // script name for messages
    std::vector<std::string> capabilities;        // as required, in order
    std::vector<std::string> strings;             // deduplicated string pool
    std::vector<std::uint8_t> is_template;        // per string: 1 when it references variables
    std::vector<std::string> variables;           // variable names the script sets, lower-cased
    std::vector<std::vector<std::uint32_t>> lists;  // string lists, as indices into strings
    std::vector<instruction> code;
    std::vector<std::uint32_t> lines;             // source line per instruction

    // Derived by link(), not stored: each template's parts, and how many
    // variable slots a run needs (set variables first, then names only read).
    std::vector<std::vector<template_part>> templates;
    std::uint32_t slot_count = 0;
    bool uses_match_variables = false;
    // imap4flags keeps its internal flags in a variable slot of this
    // reserved name (not a valid identifier, so no script can name it).
    static constexpr std::string_view internal_flags_name = "#flags";
    std::optional<std::uint32_t> internal_flags_slot;
    // Constant :regex keys compiled once (ext/regex), by string id << 8 |
    // comparator; immutable, shared by every run.
    std::unordered_map<std::uint64_t, std::shared_ptr<const regex_code>> regexes;

    need needs() const;
    // Parses the templates and resolves variable names to slots. Called by
    // the compiler and by deserialize(); idempotent.
    void link();
};

// The binary image: magic, version, capabilities, pools, code, line table.
inline constexpr std::string_view bytecode_magic{"SIFTBC\r\n", 8};
inline constexpr std::uint32_t bytecode_version = 1;

std::string serialize(const program& p);

// Parses and verifies an image completely; on failure returns false with
// `error` saying what is wrong and where.
bool deserialize(std::string_view bytes, program& out, std::string& error);

// Checks a program's internal consistency: operand ranges, pool indices,
// jump targets, line table size. Used after loading and, in debug builds,
// after compiling.
bool verify(const program& p, std::string& error);

// The explain listing: address, line, opcode, operands, synopsis.
std::string disassemble(const program& p);

}  // namespace sift::vm
