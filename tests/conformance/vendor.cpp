// Pigeonhole's vendor extensions, as far as its test suite uses them:
//
// vnd.dovecot.debug (Pigeonhole's spec-bosch-sieve-debug):
//   debug_log <message: string>
// logs a debug message; it compiles to one call_host (op::debug_log) and
// the host keeps the message (shown by --one).
//
// vnd.dovecot.environment (spec-bosch-sieve-dovecot-environment): the
// environment items vnd.dovecot.default-mailbox, vnd.dovecot.username
// and vnd.dovecot.config.<name> (§3), which the host passes in
// sift::connection::items, and the "env" variable namespace (§4):
// ${env.<item>}, with "-" in the item's name read as "_". The runner's
// items are fixed, so ${env....} references are substituted when the
// script is compiled, as ${tst.path} is. Requiring it brings
// "environment" along (§5).
#include "vendor.hpp"

#include "compile/emitter.hpp"
#include "testsuite.hpp"
#include "vm/match.hpp"
#include "vm/strings.hpp"

namespace sift::conformance {
using namespace validate;
namespace ast = parse::ast;

namespace {

// The item an ${env.NAME} reference names, or nullptr.
const std::string* env_item(std::string_view name) {
    for (const auto& [item, value] : dovecot_environment()) {
        std::string as_variable = item;
        for (auto& c : as_variable)
            if (c == '-') c = '_';
        if (vm::equal(as_variable, name, vm::comparator::ascii_casemap)) return &value;
    }
    return nullptr;
}

void substitute_env(checker& c, ast::string_lit& lit) {
    std::string out;
    std::size_t done = 0;
    for (const auto& ref : vm::find_references(lit.value)) {
        if (!vm::equal(ref.name.substr(0, 4), "env.", vm::comparator::ascii_casemap)) continue;
        const auto* value = env_item(ref.name.substr(4));
        if (!value) continue;
        out.append(lit.value, done, ref.begin - done);
        out += *value;
        done = ref.end;
    }
    if (done == 0) return;  // no reference to a known item
    out.append(lit.value, done);
    lit.value = c.keep(out);
}

}  // namespace

const std::vector<std::pair<std::string, std::string>>& dovecot_environment() {
    static const std::vector<std::pair<std::string, std::string>> items{
        {"vnd.dovecot.default-mailbox", "INBOX"}, {"vnd.dovecot.username", "user"}};
    return items;
}

void register_dovecot_vendor(registry& r) {
    r.add(capability_def{"vnd.dovecot.debug"});
    r.add(command_def{.name = "debug_log",
                      .capability = "vnd.dovecot.debug",
                      .positional = {arg_kind::string},
                      .emit = [](compile::emitter& e, const binding& b) {
                          e.emit(vm::opcode::call_host,
                                 {std::uint64_t(op::debug_log), e.list(b.list_arg(0)), 0,
                                  std::uint64_t(vm::comparator::octet), vm::pack({})});
                      }});
    r.add(capability_def{.name = "vnd.dovecot.environment",
                         .literal = substitute_env,
                         .variable_namespace = "env",
                         .implies = "environment"});
}

}  // namespace sift::conformance
