// RFC 5429: reject <reason: string> and ereject <reason: string>.
// Both refuse the message: they cancel the implicit keep, conflict with
// keep, fileinto and redirect (a runtime error, in either order: the run
// slot `refusal` checks every action added after one), and may happen
// once. The frontend turns the action into an
// SMTP refusal (ereject: always, reject: when it can) or a DSN whose text
// is the reason.
#include "compile/emitter.hpp"
#include "ext/extension.hpp"
#include "ext/utf8.hpp"
#include "validate/registry.hpp"
#include "vm/exec.hpp"

#include <algorithm>

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
namespace {

bool is_reject(const action& a) {
    return std::holds_alternative<reject_action>(a);
}
// vacation counts too: a refused message gets no auto-reply (Pigeonhole).
bool delivers(const action& a) {
    return std::holds_alternative<keep_action>(a) || std::holds_alternative<fileinto_action>(a) ||
           std::holds_alternative<redirect_action>(a) || std::holds_alternative<vacation_action>(a);
}

runtime_error conflict(const action& delivering) {
    return runtime_error{"reject/ereject conflicts with the " + std::string(name(delivering)) +
                         " action at line " + std::to_string(sift::line(delivering))};
}

// Made by the first reject: every delivering action added after it is
// refused.
struct refusal final : run_slot {
    void adding(run_state& s, const action& a) override {
        if (!delivers(a)) return;
        if (std::any_of(s.actions().begin(), s.actions().end(), is_reject)) throw conflict(a);
    }
};

// RFC 5429 §2: reject and ereject refuse the message, so they conflict
// with every action that delivers it, and happen at most once (as
// Pigeonhole has it, in either order).
void refuse(run_state& s, bool extended, std::string_view reason) {
    for (const auto& other : s.actions()) {
        if (is_reject(other))
            throw runtime_error{"duplicate reject/ereject action (the first is at line " +
                                std::to_string(sift::line(other)) + ")"};
        if (delivers(other)) throw conflict(other);
    }
    s.slot<refusal>();
    // Other extensions' tags complete it (vnd.sift.replycode's reply code).
    action a = reject_action{.reason = std::string(reason), .extended = extended, .line = s.line()};
    s.complete(a);
    s.add_action(std::move(a), true);
}

}  // namespace

void exec_act_reject(run_state& s, const instruction& ins) {
    std::string buffer;
    refuse(s, false, s.text(ins.arg[0], buffer));
}

void exec_act_ereject(run_state& s, const instruction& ins) {
    std::string buffer;
    refuse(s, true, s.text(ins.arg[0], buffer));
}

}  // namespace sift::vm

namespace sift::ext {
extern const descriptor reject_extension{.name = "reject", .add = register_reject};

}  // namespace sift::ext
