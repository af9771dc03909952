// The state of one evaluation: program counter, condition flag, the result
// being built, and access to the message, envelope and constant pools.
// Instruction handlers (vm::exec_*) receive it.
#pragma once

#include "vm/match.hpp"
#include "vm/program.hpp"

#include <sift/message.hpp>
#include <sift/options.hpp>
#include <sift/result.hpp>

#include <array>
#include <string>
#include <string_view>

namespace sift::mail {
class message;
}

namespace sift::vm {

struct runtime_error {
    std::string message;
};

class run_state {
public:
    run_state(const program& p, const mail::message& msg, const envelope& env, const eval_limits& limits)
        : prog(p), message(msg), env(env), limits(limits), variables(p.slot_count) {}

    const program& prog;
    const mail::message& message;
    const envelope& env;
    const eval_limits& limits;

    std::size_t pc = 0;  // next instruction
    bool flag = false;
    bool stopped = false;
    std::string scratch;  // reused buffer for decoded header values

    // RFC 5229 state: variable slots and the match variables ${0}..${9}.
    std::vector<std::string> variables;
    std::array<std::string, 10> match_values;

    // String operand `id`, with variables expanded when it is a template;
    // the view points into the pool or into `buffer`.
    std::string_view text(std::uint64_t id, std::string& buffer) const;
    const std::vector<std::uint32_t>& list(std::uint64_t id) const { return prog.lists[id]; }

    // True when any key of list `keys` matches `value`. A successful
    // :matches sets the match variables when the script reads them.
    bool any_key(std::string_view value, std::uint64_t keys, match_spec spec);
    // Sets ${0} to `whole` and ${1}.. to the captured spans of it.
    void set_match_values(std::string_view whole, const std::vector<span>& captures);

    // Actions, with RFC 5228 §4 deduplication and the eval_limits; a breach
    // throws runtime_error.
    void keep(unsigned line);
    void fileinto(std::string_view mailbox, unsigned line);
    void redirect(std::string_view address, unsigned line);
    void discard(unsigned line);

    unsigned line() const { return prog.lines[pc - 1]; }

    // Finishes the result: implicit keep, or the §2.10.6 fallback.
    result finish(const runtime_error* failure, std::uint64_t executed);

private:
    void add(action a, bool cancels_implicit_keep);

    std::vector<action> actions_;
    bool implicit_keep_ = true;
    unsigned redirects_ = 0;
};

match_spec unpack_match(std::uint64_t operand, std::uint64_t comparator_operand);

}  // namespace sift::vm
