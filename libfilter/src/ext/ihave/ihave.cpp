// RFC 5463: ihave. The `ihave <capabilities>` test is true when this
// implementation supports every capability named; within `if ihave [...]`
// those capabilities may be used without `require`, and a block guarded by
// an unsupported one is neither validated nor compiled. Sift knows its
// capabilities when compiling, so the test is a compile-time constant
// (validate/validator.cpp, compile/compiler.cpp); bytecode records the
// capabilities it used, so loading it elsewhere checks them again.
// `error <message>` ends the script with a runtime error (§5).
#include "compile/emitter.hpp"
#include "ext/extension.hpp"
#include "validate/registry.hpp"
#include "vm/exec.hpp"

namespace sift::ext {
using namespace validate;

void register_ihave(registry& r) {
    r.add(capability_def{"ihave"});
    r.add(command_def{.name = "ihave",
                      .is_test = true,
                      .capability = "ihave",
                      .positional = {arg_kind::string_list},
                      .kind = control::ihave});
    r.add(command_def{.name = "error",
                      .capability = "ihave",
                      .positional = {arg_kind::string},
                      .emit = [](compile::emitter& e, const binding& b) {
                          e.emit(vm::opcode::act_error, {e.string(b.string_arg(0))});
                      }});
}

}  // namespace sift::ext

namespace sift::vm {

void exec_act_error(run_state& s, const instruction& ins) {
    std::string buffer;
    throw runtime_error{std::string(s.text(ins.arg[0], buffer))};
}

}  // namespace sift::vm

namespace sift::ext {
extern const descriptor ihave_extension{.name = "ihave", .add = register_ihave};

}  // namespace sift::ext
