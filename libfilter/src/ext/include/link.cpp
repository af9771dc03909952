// RFC 6609: resolving includes when compiling, and compiling a script with
// the scripts it includes into one program.
//
// Each included script is loaded once per compile (by location and name),
// parsed and validated on its own (its own `require`s, errors in its own
// name:line:col), then its includes in turn, depth first. An include that
// fails (missing script, errors inside, a cycle, a limit) is also an error
// at the include command, so the chain that led there is visible — as
// Pigeonhole reports it. Limits: compile_limits::max_include_depth (the
// main script is level 0) and max_includes (distinct scripts). A cycle is
// an error unless the include closing it has :once (it never runs then).
//
// Layout of the program: the main script, `stop`, then each included
// script followed by `include_return`. Variables are per script (the
// emitter renames an included script's own to "_incN.name"), except those
// declared `global` and those of the "global." namespace, shared by all.
#include "ext/include/include.hpp"

#include "compile/compiler.hpp"
#include "compile/emitter.hpp"
#include "parse/parser.hpp"
#include "source_text.hpp"
#include "vm/strings.hpp"

#include <algorithm>
#include <memory>
#include <set>

namespace sift::ext {
namespace ast = parse::ast;

namespace {

bool requires_variables(const validate::validated& v) {
    return std::find(v.capabilities.begin(), v.capabilities.end(), "variables") != v.capabilities.end();
}

struct unit {
    std::string key;
    std::string file;  // as diagnostics name it
    std::string source;
    parse::parse_result parsed;
    validate::validated v;
    enum class state { loading, ok, failed } status = state::loading;
};

class linker {
public:
    linker(const validate::registry& reg, const compile_limits& limits, const script_source* scripts)
        : reg_(reg), limits_(limits), scripts_(scripts) {}

    std::vector<diagnostic> errors;
    std::vector<std::unique_ptr<unit>> units;  // included scripts, in load order

    // Loads what `v` (of script `file`, at `depth`) includes; false when
    // one of its includes failed.
    bool resolve(const validate::validated& v, std::string_view source, const std::string& file,
                 unsigned depth, std::vector<std::string>& chain) {
        bool ok = true;
        bool variables =
            std::find(v.capabilities.begin(), v.capabilities.end(), "variables") != v.capabilities.end();
        for (const auto& b : v.bindings) {
            if (b.def->name != "include" || !b.well_formed) continue;
            const auto& literal = b.list_arg(0).items.front().value;
            // Reported by check_include: a bad name, or one built from variables.
            if (!invalid_script_name(literal).empty()) continue;
            if (variables && !vm::find_references(literal).empty()) continue;
            auto fail = [&](std::string message) {
                errors.push_back(make_diagnostic(source, file, b.pos.offset, std::move(message)));
                ok = false;
            };
            const auto& name = b.string_arg(0);
            bool global = b.has_tag("global");
            auto key = include_key(name, global);
            std::string what =
                std::string(global ? "global" : "personal") + " script '" + std::string(name) + "'";
            if (std::find(chain.begin(), chain.end(), key) != chain.end()) {
                if (!b.has_tag("once")) fail("circular include of " + what);
                continue;
            }
            if (unit* u = find(key)) {
                if (u->status == unit::state::failed) fail("failed to include " + what);
                continue;
            }
            if (depth + 1 > limits_.max_include_depth) {
                fail("cannot include " + what + ": includes nest deeper than " +
                     std::to_string(limits_.max_include_depth) + " levels");
                continue;
            }
            if (units.size() >= limits_.max_includes) {
                fail("cannot include " + what + ": more than " + std::to_string(limits_.max_includes) +
                     " included scripts");
                continue;
            }
            std::optional<std::string> text;
            if (scripts_) text = scripts_->load(script_name(name), global);
            if (!text) {
                if (!b.has_tag("optional"))
                    fail(scripts_
                             ? "included " + what + " not found"
                             : "cannot include " + what + ": no script source was given to the compiler");
                continue;
            }
            auto& u = *units.emplace_back(std::make_unique<unit>());
            u.key = key;
            u.file = scripts_->display_name(script_name(name), global);
            u.source = std::move(*text);
            if (!load(u, depth + 1, chain)) {
                u.status = unit::state::failed;
                fail("failed to include " + what);
                continue;
            }
            u.status = unit::state::ok;
        }
        return ok;
    }

    // The `global` declarations of a script come before any use of the
    // names as its own variables (RFC 6609 §3.4).
    void check_globals(const ast::block& commands, std::string_view source, const std::string& file) {
        std::set<std::string> used, declared;
        walk(commands, [&](const ast::command& cmd) {
            if (cmd.name == "global") {
                for (const auto& arg : cmd.args)
                    if (const auto* list = std::get_if<ast::string_list>(&arg))
                        for (const auto& n : list->items) {
                            auto key = vm::variable_key(n.value);
                            if (used.count(key))
                                errors.push_back(make_diagnostic(
                                    source, file, n.pos.offset,
                                    "variable '" + std::string(n.value) +
                                        "' is declared global after its use as a local variable"));
                            declared.insert(key);
                        }
                return;
            }
            auto note = [&](std::string_view name) {
                auto key = vm::variable_key(name);
                if (key.find('.') == std::string::npos && !declared.count(key)) used.insert(key);
            };
            bool first_positional = cmd.name == "set";
            for (const auto& arg : cmd.args) {
                const auto* list = std::get_if<ast::string_list>(&arg);
                if (!list) continue;
                for (const auto& s : list->items) {
                    if (first_positional) note(s.value);
                    for (const auto& ref : vm::find_references(s.value))
                        if (!vm::is_number(ref.name)) note(ref.name);
                }
                first_positional = false;
            }
        });
    }

private:
    bool load(unit& u, unsigned depth, std::vector<std::string>& chain) {
        if (u.source.size() > limits_.max_script_bytes) {
            errors.push_back(diagnostic{.file = u.file,
                                        .message = "script is larger than the limit of " +
                                                   std::to_string(limits_.max_script_bytes) + " bytes"});
            return false;
        }
        u.parsed = parse::parse(u.source, u.file, limits_);
        if (!u.parsed.ok()) {
            append(u.parsed.errors);
            return false;
        }
        auto found = validate::validate(u.parsed.script, u.source, u.file, reg_, limits_, u.v);
        if (!found.empty()) {
            append(found);
            return false;
        }
        if (requires_variables(u.v)) {
            auto before = errors.size();
            check_globals(u.parsed.script.commands, u.source, u.file);
            if (errors.size() != before) return false;
        }
        chain.push_back(u.key);
        bool ok = resolve(u.v, u.source, u.file, depth, chain);
        chain.pop_back();
        return ok;
    }

    template <class F>
    static void walk(const ast::block& commands, F&& visit) {
        for (const auto& cmd : commands) {
            visit(cmd);
            walk(cmd.body, visit);
        }
    }

    void append(const std::vector<diagnostic>& more) {
        errors.insert(errors.end(), more.begin(), more.end());
    }

    unit* find(std::string_view key) {
        for (auto& u : units)
            if (u->key == key) return u.get();
        return nullptr;
    }

    const validate::registry& reg_;
    const compile_limits& limits_;
    const script_source* scripts_;
};

}  // namespace

linked_program compile_with_includes(const ast::script& main, const validate::validated& v,
                                     std::string_view source, const std::string& name,
                                     const validate::registry& reg, const compile_limits& limits,
                                     const script_source* scripts, bool valid) {
    linked_program out;
    linker l(reg, limits, scripts);
    if (requires_variables(v)) l.check_globals(main.commands, source, name);
    std::vector<std::string> chain;
    if (l.errors.empty()) l.resolve(v, source, name, 0, chain);
    if (!l.errors.empty() || !valid) {
        out.errors = std::move(l.errors);
        return out;
    }
    compile::emitter e;
    std::vector<compile::emitter::label> starts;
    for (const auto& u : l.units) {
        starts.push_back(e.new_label());
        e.add_unit(u->key, starts.back());
    }
    auto capabilities = v.capabilities;
    compile::emit_script(e, main, v);
    e.emit(vm::opcode::stop);
    for (std::size_t i = 0; i < l.units.size(); ++i) {
        const auto& u = *l.units[i];
        e.place(starts[i]);
        e.set_variable_scope("_inc" + std::to_string(i + 1) + ".");
        compile::emit_script(e, u.parsed.script, u.v);
        e.set_line(0);
        e.emit(vm::opcode::include_return);
        for (const auto& cap : u.v.capabilities)
            if (std::find(capabilities.begin(), capabilities.end(), cap) == capabilities.end())
                capabilities.push_back(cap);
    }
    out.program = e.finish(name, std::move(capabilities));
    return out;
}

}  // namespace sift::ext
