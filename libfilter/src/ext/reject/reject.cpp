// RFC 5429: reject <reason: string> and ereject <reason: string>.
// Both refuse the message: they cancel the implicit keep, conflict with
// keep, fileinto and redirect (a runtime error, in either order), and may
// happen once (vm/run_state.cpp). The frontend turns the action into an
// SMTP refusal (ereject: always, reject: when it can) or a DSN whose text
// is the reason.
#include "compile/emitter.hpp"
#include "ext/extension.hpp"
#include "ext/utf8.hpp"
#include "validate/registry.hpp"
#include "vm/exec.hpp"

namespace sift::ext {
using namespace validate;

namespace {

void check_reason(checker& c, const binding& b) {
    const auto& reason = b.list_arg(0).items.front();
    if (!valid_utf8(reason.value)) c.error(reason.pos, "reject reason is not valid UTF-8");
}

}  // namespace

void register_reject(registry& r) {
    for (auto [name, op] :
         {std::pair{"reject", vm::opcode::act_reject}, {"ereject", vm::opcode::act_ereject}}) {
        r.add(capability_def{name});
        r.add(command_def{.name = name,
                          .capability = name,
                          .positional = {arg_kind::string},
                          .check = check_reason,
                          .emit = op == vm::opcode::act_reject
                                      ? emit_fn([](compile::emitter& e, const binding& b) {
                                            e.emit(vm::opcode::act_reject, {e.string(b.string_arg(0))});
                                        })
                                      : emit_fn([](compile::emitter& e, const binding& b) {
                                            e.emit(vm::opcode::act_ereject, {e.string(b.string_arg(0))});
                                        })});
    }
}

}  // namespace sift::ext

namespace sift::vm {

void exec_act_reject(run_state& s, const instruction& ins) {
    std::string buffer;
    s.reject(false, s.text(ins.arg[0], buffer), s.line());
}

void exec_act_ereject(run_state& s, const instruction& ins) {
    std::string buffer;
    s.reject(true, s.text(ins.arg[0], buffer), s.line());
}

}  // namespace sift::vm

namespace sift::ext {
extern const descriptor reject_extension{.name = "reject", .add = register_reject};

}  // namespace sift::ext
