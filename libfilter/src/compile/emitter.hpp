// Builds a vm::program: instructions checked against the opcode table,
// forward jumps through labels patched at the end (never by hand), a source
// line for every instruction, and deduplicated constant pools.
#pragma once

#include "parse/ast.hpp"
#include "vm/program.hpp"

#include <boost/container/small_vector.hpp>

#include <initializer_list>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace sift::compile {

class emitter {
public:
    emitter();
    using label = std::uint32_t;

    label new_label();
    void place(label l);  // the label now names the next instruction

    // Emits `op` with its operands; the count must match the table.
    void emit(vm::opcode op, std::initializer_list<std::uint64_t> operands = {});
    // Emits a jump (its one operand is a label).
    void emit_jump(vm::opcode op, label target);
    // A jump with one more operand after its target (foreverypart's loop_begin).
    void emit_jump(vm::opcode op, label target, std::uint64_t operand);

    // Interns a string operand. With templates enabled (the script requires
    // "variables"), a string holding variable references becomes a template.
    std::uint32_t string(std::string_view s);
    std::uint32_t list(const parse::ast::string_list& l);
    // The slot of a variable the script sets.
    std::uint32_t variable(std::string_view name);

    void enable_templates(bool on) { templates_ = on; }

    // A program made of several scripts (RFC 6609 include, ext/include):
    // each script's variables are its own, except those it declares
    // global, which all scripts share as "global.NAME". `prefix` ("" for
    // the main script, "_inc3." for another) renames the script's own
    // variables apart; variable() and the templates string() interns use
    // the names this gives (scoped_variable()).
    void set_variable_scope(std::string prefix) {
        scope_prefix_ = std::move(prefix);
        globals_.clear();
    }
    void declare_global(std::string_view name);
    std::string scoped_variable(std::string_view name) const;
    // Where each included script's code starts, by its key.
    void add_unit(std::string key, label start) { units_.emplace_back(std::move(key), start); }
    std::optional<label> unit(std::string_view key) const;

    // The label after the innermost enclosing command block (see
    // command_def::emit_end), if any; the compiler pushes and pops it.
    std::optional<label> block_exit() const {
        return block_exits_.empty() ? std::nullopt : std::optional(block_exits_.back());
    }
    void push_block_exit(label l) { block_exits_.push_back(l); }
    void pop_block_exit() { block_exits_.pop_back(); }

    void set_line(unsigned line) { line_ = line; }
    vm::program finish(std::string name, std::vector<std::string> capabilities);

private:
    std::uint32_t intern(std::string_view s);

    vm::program prog_;
    unsigned line_ = 0;
    bool templates_ = false;
    // Inline room for a typical script: these die with the emitter.
    boost::container::small_vector<std::int64_t, 24> labels_;  // instruction index, -1 until placed
    boost::container::small_vector<std::pair<std::size_t, label>, 24> patches_;
    std::vector<label> block_exits_;
    std::string scope_prefix_;
    std::vector<std::string> globals_;  // keys the current script declared global
    std::vector<std::pair<std::string, label>> units_;
    // Pool indexes for deduplication, built only once a pool is large:
    // small scripts (the common case) search linearly and allocate nothing.
    std::unordered_map<std::string_view, std::uint32_t> string_index_;
    std::unordered_map<std::string_view, std::uint32_t> list_index_;  // key: the ids' bytes
};

}  // namespace sift::compile
