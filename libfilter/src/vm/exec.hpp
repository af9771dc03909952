// One handler per opcode, generated from opcodes.def. Each is defined next
// to the capability it belongs to (vm/ for control, ext/<capability>/ for
// the rest); the dispatch table in vm.cpp is built from the same table.
#pragma once

#include "vm/run_state.hpp"

#include <span>

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

// Runs `programs` one after another as one evaluation, the way Pigeonhole
// runs sieve_before, the user's script and sieve_after: each next script
// runs only while the implicit keep stands (a fileinto, redirect, discard,
// reject or vacation-free final action of one ends the sequence; `stop`
// ends only its own script), on the result so far (RFC 5228 §2.10.3
// deduplication and the action conflicts apply across scripts) and on the
// message as the scripts before it left it (editheader, replace,
// enclose); imap4flags' internal flags carry over. Each script has its own
// variables and its own instruction budget. A runtime error cancels the
// failing script's actions, keeps those of the scripts before it and ends
// the sequence with the implicit keep (RFC 5228 §2.10.6). The actions say
// which script made them (action script indices, result::scripts).
result run(std::span<const program* const> programs, const mail::message& msg, const envelope& env,
           const run_options& options, command_host* commands = nullptr, const session* client = nullptr);

}  // namespace sift::vm
