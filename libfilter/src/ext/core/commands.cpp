// RFC 5228 §3 (control commands) and §4 (actions keep, discard, redirect),
// and the test combinators of §5 (allof, anyof, not, true, false).
#include "compile/emitter.hpp"
#include "ext/core/core.hpp"
#include "ext/extension.hpp"
#include "ext/extlists/extlists.hpp"
#include "validate/registry.hpp"
#include "vm/exec.hpp"

namespace sift::ext {
using namespace validate;
using vm::opcode;

namespace {

// redirect <address: string>   (RFC 5228 §4.2)
// The address must be a single RFC 5322 mailbox; constants are checked
// here, so a bad address never reaches the VM.
void check_redirect(checker& c, const binding& b) {
    if (b.has_tag("list")) return ext::check_redirect_list(c, b);  // RFC 6134 §2.3
    const auto& arg = b.list_arg(0).items.front();
    if (!c.is_template(arg.value) && !core::redirect_target(arg.value))
        c.error(arg.pos, "specified redirect address '" + std::string(arg.value) + "' is invalid");
}

void emit_plain(compile::emitter& e, opcode op) {
    e.emit(op);
}

}  // namespace

void register_core(registry& r) {
    // Tags shared by the core tests (RFC 5228 §2.7).
    for (auto [name, id] : {std::pair{"is", vm::match_type::is},
                            {"contains", vm::match_type::contains},
                            {"matches", vm::match_type::matches}})
        r.add(tag_def{name, "match-type", std::nullopt, "", std::uint8_t(id)});
    for (auto [name, id] : {std::pair{"all", vm::address_part::all},
                            {"localpart", vm::address_part::localpart},
                            {"domain", vm::address_part::domain}})
        r.add(tag_def{name, "address-part", std::nullopt, "", std::uint8_t(id)});
    r.add(tag_def{"comparator", "comparator", arg_kind::string, "", 0});
    // RFC 5228 §2.7.3: both are always available, and may also be required.
    r.add(comparator_def{"i;octet", vm::comparator::octet, "", true});
    r.add(comparator_def{"i;ascii-casemap", vm::comparator::ascii_casemap, "", true});
    r.add(capability_def{"comparator-i;octet"});
    r.add(capability_def{"comparator-i;ascii-casemap"});

    r.add(command_def{.name = "require", .positional = {arg_kind::string_list}, .kind = control::require});
    r.add(command_def{.name = "if", .tests = tests_arity::one, .block = true, .kind = control::if_});
    r.add(command_def{.name = "elsif", .tests = tests_arity::one, .block = true, .kind = control::elsif});
    r.add(command_def{.name = "else", .block = true, .kind = control::else_});
    r.add(command_def{.name = "stop", .emit = [](auto& e, auto&) { emit_plain(e, opcode::stop); }});
    r.add(command_def{.name = "keep", .emit = [](auto& e, auto&) { emit_plain(e, opcode::act_keep); }});
    r.add(command_def{.name = "discard", .emit = [](auto& e, auto&) { emit_plain(e, opcode::act_discard); }});
    r.add(command_def{.name = "redirect",
                      .positional = {arg_kind::string},
                      .check = check_redirect,
                      .emit = [](compile::emitter& e, const binding& b) {
                          if (b.has_tag("list")) return ext::emit_redirect_list(e, b);  // RFC 6134 §2.3
                          e.emit(opcode::act_redirect, {e.string(b.string_arg(0))});
                      }});

    r.add(command_def{.name = "allof", .is_test = true, .tests = tests_arity::list, .kind = control::allof});
    r.add(command_def{.name = "anyof", .is_test = true, .tests = tests_arity::list, .kind = control::anyof});
    r.add(command_def{.name = "not", .is_test = true, .tests = tests_arity::one, .kind = control::not_});
    r.add(command_def{
        .name = "true", .is_test = true, .emit = [](auto& e, auto&) { emit_plain(e, opcode::test_true); }});
    r.add(command_def{
        .name = "false", .is_test = true, .emit = [](auto& e, auto&) { emit_plain(e, opcode::test_false); }});

    core::register_tests(r);
}

}  // namespace sift::ext

namespace sift::vm {

void exec_act_keep(run_state& s, const instruction&) {
    s.keep(s.line());
}
void exec_act_discard(run_state& s, const instruction&) {
    s.discard(s.line());
}
void exec_act_redirect(run_state& s, const instruction& ins) {
    std::string buffer;
    auto address = s.text(ins.arg[0], buffer);
    // Constant addresses were checked at compile time; one built from
    // variables is checked now, and a bad one is a runtime error (the
    // message is then kept, RFC 5228 §2.10.6).
    auto target = ext::core::redirect_target(address);
    if (!target) throw runtime_error{"redirect address '" + std::string(address) + "' is invalid"};
    s.redirect(*target, s.line());
}

}  // namespace sift::vm

namespace sift::ext {

extern const descriptor core_extension{.name = "core", .add = register_core};

}  // namespace sift::ext
