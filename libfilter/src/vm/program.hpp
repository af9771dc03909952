// A compiled script in memory: what the compiler produces, what bytecode
// files are loaded into (after full verification), what the VM runs.
// Immutable once built; shared between threads.
#pragma once

#include "mail/header.hpp"
#include "vm/match.hpp"
#include "vm/opcodes.hpp"
#include "vm/phrase_index.hpp"
#include "vm/strings.hpp"

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

namespace sift::vm {

struct regex_code;  // a compiled :regex key (ext/regex)

// The string lists of a program, stored flat (one buffer for all, not a
// vector per list: a compile makes a dozen of them). List i is a span of
// string ids.
class list_pool {
public:
    std::size_t size() const { return offsets_.empty() ? 0 : offsets_.size() - 1; }
    std::span<const std::uint32_t> operator[](std::size_t i) const {
        return {items_.data() + offsets_[i], items_.data() + offsets_[i + 1]};
    }
    // Appends a list; returns its index.
    template <class It>
    std::uint32_t add(It first, It last) {
        if (offsets_.empty()) offsets_.push_back(0);
        items_.insert(items_.end(), first, last);
        offsets_.push_back(std::uint32_t(items_.size()));
        return std::uint32_t(size() - 1);
    }
    std::uint32_t add(std::initializer_list<std::uint32_t> ids) { return add(ids.begin(), ids.end()); }
    // Whether adding `n` more ids would move the lists already held (spans
    // of them must then be taken again).
    bool would_move(std::size_t n) const { return items_.size() + n > items_.capacity(); }
    void reserve(std::size_t lists, std::size_t ids) {
        offsets_.reserve(lists + 1);
        items_.reserve(ids);
    }

private:
    std::vector<std::uint32_t> items_;
    // List i is items_[offsets_[i], offsets_[i + 1]); the leading 0 is
    // added with the first list (an empty pool allocates nothing).
    std::vector<std::uint32_t> offsets_;
};

struct instruction {
    opcode op;
    // Decoded operands in table order. Jump targets are absolute
    // instruction indices here (relative offsets only in the file).
    std::array<std::uint64_t, max_operands> arg{};
};

struct program {
    std::string name;                       // script name for messages
    std::vector<std::string> capabilities;  // as required, in order
    std::vector<std::string> strings;       // deduplicated string pool
    std::vector<std::uint8_t> is_template;  // per string: 1 when it references variables
    std::vector<std::string> variables;     // variable names the script sets, lower-cased
    list_pool lists;                        // string lists, as indices into strings
    std::vector<instruction> code;
    std::vector<std::uint32_t> lines;  // source line per instruction

    // Derived by link(), not stored: each template's parts, and how many
    // variable slots a run needs (set variables first, then names only read).
    std::vector<std::vector<template_part>> templates;
    // Each string's mail::name_key(), for the header tests that take it as
    // a field name (run_state::field_name): computed once, not per test.
    std::vector<std::uint32_t> name_keys;
    // Each string's shape as a :matches pattern (vm::shape_of; `other` for
    // a template), for run_state::any_key: told once, not at each match.
    std::vector<glob_shape> glob_shapes;
    std::uint32_t slot_count = 0;
    bool reads_captures = false;  // some template reads a match variable (${N})
    // imap4flags keeps its internal flags in a variable slot of this
    // reserved name (not a valid identifier, so no script can name it).
    static constexpr std::string_view internal_flags_name = "#flags";
    std::optional<std::uint32_t> internal_flags_slot;
    // The constant key lists of body :text :contains tests under
    // i;ascii-casemap, in one automaton (vm/phrase_index.hpp); null when
    // the program has none.
    std::shared_ptr<const phrase_index> phrases;
    // Constant :regex keys compiled once (ext/regex); immutable, shared by
    // every run. By string id (empty when the program has none), for the
    // comparator the key was first found with: a match reads it by index
    // (a hash look-up was a fifth of a search PCRE2 is never asked for).
    // The same key under another comparator, which no policy writes, is in
    // other_regexes, by string id << 8 | comparator.
    struct compiled_regex {
        std::shared_ptr<const regex_code> code;  // null: none for this id
        comparator cmp{};
    };
    std::vector<compiled_regex> regexes;
    std::unordered_map<std::uint64_t, std::shared_ptr<const regex_code>> other_regexes;
    // The operations of the extensions' comparators, match types and
    // address parts (the registry's; set by link_matchers).
    const match_tables* tables = nullptr;

    need needs() const;
    // Parses the templates and resolves variable names to slots. Called by
    // the compiler and by deserialize(); idempotent.
    void link();
};

// The phrase lists of a sequence's first and last programs (a policy's
// before and after scripts, around each user's) in one automaton, so that
// each part's text is searched once for both: the first program's lists
// keyed by their own index, the last's by theirs + last_base.
struct paired_phrases {
    phrase_index index;
    std::uint32_t last_base = 0;
};
// The pair's automaton, made once and kept for the next runs (the last
// few pairs: a site runs one policy); null when either program has no
// phrase index of its own, both are one, or the pair's is too large.
std::shared_ptr<const paired_phrases> paired_phrases_for(const program& first, const program& last);

// Links `p` to the registry's `tables` and lets the match types prepare
// their constant keys (:regex compiles them): for a program the registry's
// own compiler made.
void link_tables(program& p, const match_tables& tables);
// The same for a loaded program, after checking that every comparator,
// match type and address part operand names one the VM or `tables` knows.
// False with `error` saying which instruction is wrong.
bool link_matchers(program& p, const match_tables& tables, std::string& error);

// The binary image: magic, version, capabilities, pools, code, line table.
// The version goes up when an image an earlier Sift wrote would be read
// differently (or not at all) by this one: docs/BYTECODE.md "Versions";
// tests/vm/golden/run.py says how to make the golden images again. A new
// opcode or capability alone does not change it: older loaders refuse it.
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

// The opcode table as the Markdown table of docs/BYTECODE.md (a test
// checks that the committed file holds exactly this), with the comparator,
// match type and address part ids of `tables` (the standard registry's).
std::string opcode_reference(const match_tables& tables);

}  // namespace sift::vm
