// RFC 6609: include.
//   include [LOCATION] [":once"] [":optional"] <value: string>
//     LOCATION = ":personal" / ":global"                       (§3.2)
//   return                                                     (§3.3)
//   global <value: string-list>                                (§3.4)
//   ${global.NAME}: the "global" variable namespace            (§3.5)
// Includes are resolved when compiling (ext/include/link.cpp); here are the
// commands' signatures and checks, their code, and the two instructions
// that run it. `global` only declares: it makes the names refer to the
// variables every script shares (compile::emitter::declare_global).
#include "ext/include/include.hpp"

#include "compile/emitter.hpp"
#include "ext/extension.hpp"
#include "ext/utf8.hpp"
#include "ext/variables/variables.hpp"
#include "vm/exec.hpp"

#include <algorithm>

namespace sift::ext {
using namespace validate;

namespace {

// Bounds the call stack of a loaded (unverified as to nesting) program:
// compiled ones never exceed compile_limits::max_include_depth.
constexpr std::size_t max_runtime_depth = 64;

void check_include(checker& c, const binding& b) {
    const auto& name = b.list_arg(0).items.front();
    if (c.is_template(name.value)) {
        c.error(name.pos, "the name of an included script must be a constant string");
        return;
    }
    if (auto why = invalid_script_name(name.value); !why.empty())
        c.error(name.pos, "invalid script name '" + std::string(name.value) + "': " + why);
}

void emit_include(compile::emitter& e, const binding& b) {
    auto target = e.unit(include_key(b.string_arg(0), b.has_tag("global")));
    // A missing :optional script: nothing to run (link.cpp checked the rest).
    if (target) e.emit_jump(vm::opcode::include_call, *target, b.has_tag("once") ? 1u : 0u);
}

void check_global(checker& c, const binding& b) {
    if (!c.required("variables"))
        c.error(b.pos, "command 'global' requires the \"variables\" capability (require \"variables\";)");
    for (const auto& name : b.list_arg(0).items)
        if (!valid_variable_name(name.value) || name.value.find('.') != std::string::npos)
            c.error(name.pos, "invalid variable name '" + std::string(name.value) + "' for global");
}

// ${global.a.b}: the global namespace has no sub-namespaces (§3.5).
void check_literal(checker& c, parse::ast::string_lit& lit) {
    for (const auto& ref : vm::find_references(lit.value)) {
        auto key = vm::variable_key(ref.name);
        if (key.starts_with("global.") && key.find('.', 7) != std::string::npos)
            c.error(lit.pos, "invalid global variable '${" + std::string(ref.name) + "}': no sub-namespaces");
    }
}

}  // namespace

std::string_view script_name(std::string_view name) {
    constexpr std::string_view ext = ".sieve";
    if (name.size() > ext.size() && name.ends_with(ext)) name.remove_suffix(ext.size());
    return name;
}

std::string include_key(std::string_view name, bool global) {
    return (global ? "global:" : "personal:") + std::string(script_name(name));
}

std::string invalid_script_name(std::string_view name) {
    if (name.empty()) return "empty";
    if (!valid_utf8(name)) return "not valid UTF-8";
    if (name.find('/') != std::string_view::npos) return "contains '/'";
    for (std::size_t i = 0; i < name.size(); ++i) {
        auto c = static_cast<unsigned char>(name[i]);
        if (c < 0x20 || c == 0x7F) return "contains a control character";
        // U+0080..U+009F (C2 80..C2 9F), U+2028 and U+2029 (E2 80 A8/A9).
        if (c == 0xC2 && i + 1 < name.size() && static_cast<unsigned char>(name[i + 1]) <= 0x9F)
            return "contains a control character";
        if (c == 0xE2 && name.substr(i, 3) == "\xE2\x80\xA8") return "contains a line separator";
        if (c == 0xE2 && name.substr(i, 3) == "\xE2\x80\xA9") return "contains a paragraph separator";
    }
    return {};
}

void register_include(registry& r) {
    r.add(capability_def{.name = "include", .literal = check_literal, .variable_namespace = "global"});
    r.add(tag_def{.name = "personal", .group = "location", .capability = "include"});
    r.add(tag_def{.name = "global", .group = "location", .capability = "include"});
    r.add(tag_def{.name = "once", .capability = "include"});
    r.add(tag_def{.name = "optional", .capability = "include"});
    r.add(command_def{.name = "include",
                      .capability = "include",
                      .positional = {arg_kind::string},
                      .tags = {"location", "once", "optional"},
                      .check = check_include,
                      .emit = emit_include});
    r.add(command_def{
        .name = "return", .capability = "include", .emit = [](compile::emitter& e, const binding&) {
            e.emit(vm::opcode::include_return);
        }});
    r.add(command_def{.name = "global",
                      .capability = "include",
                      .positional = {arg_kind::string_list},
                      .check = check_global,
                      .emit = [](compile::emitter& e, const binding& b) {
                          for (const auto& name : b.list_arg(0).items) e.declare_global(name.value);
                      }});
}

}  // namespace sift::ext

namespace sift::ext {
namespace {

// Where each running included script returns to, and the start of every
// script included so far (for :once).
struct include_state : vm::run_slot {
    std::vector<std::size_t> returns;
    std::vector<std::size_t> included;
};

}  // namespace
}  // namespace sift::ext

namespace sift::vm {

void exec_include_call(run_state& s, const instruction& ins) {
    auto& state = s.slot<ext::include_state>();
    std::size_t target = ins.arg[0];
    bool seen = std::find(state.included.begin(), state.included.end(), target) != state.included.end();
    if (seen && ins.arg[1]) return;  // :once
    if (!seen) state.included.push_back(target);
    if (state.returns.size() >= ext::max_runtime_depth)
        throw runtime_error{"included scripts nest deeper than " + std::to_string(ext::max_runtime_depth)};
    state.returns.push_back(s.pc);
    s.pc = target;
}

// RFC 6609 §3.3: return ends the current script only; in the main script
// it is stop.
void exec_include_return(run_state& s, const instruction&) {
    auto* state = s.find_slot<ext::include_state>();
    if (!state || state->returns.empty()) {
        s.stop();
        return;
    }
    s.pc = state->returns.back();
    state->returns.pop_back();
}

}  // namespace sift::vm

namespace sift::ext {
extern const descriptor include_extension{.name = "include",
                                          .add = register_include,
                                          .compile_capability = "include",
                                          .compile = compile_with_includes};

}  // namespace sift::ext
