// The dispatch loop. Handlers are short functions found through a table
// generated from opcodes.def; control flow and the instruction budget live
// here, everything else next to its capability.
#include "vm/exec.hpp"

#include "mail/message.hpp"

namespace sift::vm {
namespace {

using handler = void (*)(run_state&, const instruction&);

// Indexed by opcode number; numbers no row has stay empty (the loader
// refuses them, so they are never dispatched).
constexpr auto dispatch = [] {
    std::array<handler, opcode_space> table{};
#define SIFT_OP(name, number, operands, needs, flags, synopsis) table[number] = &exec_##name;
#include "vm/opcodes.def"
#undef SIFT_OP
    return table;
}();

}  // namespace

void exec_jump(run_state& s, const instruction& ins) {
    s.pc = ins.arg[0];
}
void exec_jump_if_true(run_state& s, const instruction& ins) {
    if (s.flag) s.pc = ins.arg[0];
}
void exec_jump_if_false(run_state& s, const instruction& ins) {
    if (!s.flag) s.pc = ins.arg[0];
}
void exec_stop(run_state& s, const instruction&) {
    s.stop();
}
void exec_test_true(run_state& s, const instruction&) {
    s.flag = true;
}
void exec_test_false(run_state& s, const instruction&) {
    s.flag = false;
}

void exec_call_host(run_state& s, const instruction& ins) {
    if (!s.commands)
        throw runtime_error{"host operation " + std::to_string(ins.arg[0]) + " without a command host"};
    s.commands->call(s, ins);
}

namespace {

// What a run_program counted, added to the run's total when it ends,
// by a throw too.
struct count_on_exit {
    std::uint64_t& total;
    const std::uint64_t& count;
    ~count_on_exit() { total += count; }
};

// Runs the program s is at from its first instruction to its end, a stop
// or the budget, adding the instructions it ran to `executed`; throws what
// the handlers throw. The program does not change while it runs (the next
// one of a sequence comes between two calls), so its code is read through
// a local pointer, and the count is a local: the loop reads neither
// through memory after each handler.
void run_program(run_state& s, std::uint64_t& executed) {
    const auto& p = s.prog();
    const auto budget = s.limits.instruction_budget;
    const instruction* const code = p.code.data();
    const auto n = p.code.size();
    std::uint64_t count = 0;
    count_on_exit add{executed, count};
    while (s.pc < n) {
        // Backward jumps cannot come from the compiler, but a loaded file
        // may hold them: the budget bounds every script.
        if (++count > budget)
            throw runtime_error{"instruction budget of " + std::to_string(budget) + " exceeded"};
        const instruction& ins = code[s.pc++];
        dispatch[static_cast<std::size_t>(ins.op)](s, ins);
    }
}

}  // namespace

result run(std::span<const program* const> programs, const mail::message& msg, const envelope& env,
           const run_options& options, command_host* commands, const session* client) {
    run_state s(*programs.front(), msg, env, options);
    s.commands = commands;
    s.client = client;
    s.programs = programs;
    std::uint64_t executed = 0;
    auto finish = [&](const runtime_error* failure) {
        result r = s.finish(failure, executed);
        if (s.in_sequence()) {
            r.scripts.reserve(s.script() + 1);
            for (std::size_t i = 0; i <= s.script(); ++i) r.scripts.push_back(programs[i]->name);
        }
        return r;
    };
    try {
        for (std::size_t i = 0; i < programs.size(); ++i) {
            if (i > 0) {
                if (!s.implicit_keep()) break;  // a final decision ends the sequence
                s.next_script(*programs[i]);
            }
            run_program(s, executed);
        }
    } catch (const runtime_error& e) {
        return finish(&e);
    } catch (const lookup_error& e) {  // a host call that did not go through ask_host
        runtime_error failure{e.what(), true};
        return finish(&failure);
    }
    return finish(nullptr);
}

result run(const program& p, const mail::message& msg, const envelope& env, const run_options& options,
           command_host* commands, const session* client) {
    const program* one[] = {&p};
    return run(one, msg, env, options, commands, client);
}

}  // namespace sift::vm
