// One handler per opcode, generated from opcodes.def. Each is defined next
// to the capability it belongs to (vm/ for control, ext/<capability>/ for
// the rest); the dispatch table in vm.cpp is built from the same table.
#pragma once

#include "vm/run_state.hpp"

namespace sift::vm {

#define SIFT_OP(name, number, operands, needs, flags, synopsis) \
    void exec_##name(run_state& s, const instruction& ins);
#include "vm/opcodes.def"
#undef SIFT_OP

// Runs `p` against a message for one recipient; `commands` runs the
// program's call_host instructions (without one they are runtime errors).
// The result's verdict is left at its default (api/script.cpp decides it).
result run(const program& p, const mail::message& msg, const envelope& env, const run_options& options,
           command_host* commands = nullptr, const session* client = nullptr);

}  // namespace sift::vm
