// The state of one evaluation: program counter, condition flag, the result
// being built, and access to the message, envelope and constant pools.
// Instruction handlers (vm::exec_*) receive it.
#pragma once

#include "vm/match.hpp"
#include "vm/program.hpp"

#include <sift/message.hpp>
#include <sift/options.hpp>
#include <sift/result.hpp>
#include <sift/services.hpp>

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace sift::mail {
class message;
}
namespace sift::ext {
struct content_state;  // ext/mime/content_state.hpp
}

namespace sift::vm {

struct runtime_error {
    std::string message;
};

class run_state;

// Commands a host provides without the library knowing them: it registers
// them in its own registry (validate::registry) with emit hooks producing
// `call_host`, compiles with that registry (api/compile.hpp) and runs with
// a host installed; the VM hands every `call_host` to host::call. The host
// reads its operands through run_state (text, list), sets `flag` when the
// operation is a test, may move `pc` (to a label its compile side emitted)
// and may throw runtime_error. Between instructions it may also change the
// message, envelope and limits it passed to run(): run_state refers to the
// host's own objects (assign to the mail::message in place, never replace
// the object, so the reference stays valid).
class host {
public:
    virtual ~host() = default;
    virtual void call(run_state& s, const instruction& ins) = 0;
};

class run_state {
public:
    run_state(const program& p, const mail::message& msg, const envelope& env, const eval_limits& limits)
        : prog(p), message(msg), env(env), limits(limits), variables(p.slot_count) {}

    const program& prog;
    const mail::message& message;
    const envelope& env;
    const eval_limits& limits;

    vm::host* host = nullptr;  // runs call_host; none in a plain run
    const connection* conn = nullptr;  // what the frontend knows (environment, RFC 5183)
    const services* svc = nullptr;     // host services (sift/services.hpp), may be absent
    std::size_t pc = 0;        // next instruction
    bool flag = false;
    bool stopped = false;
    std::string scratch;  // reused buffer for decoded header values

    // RFC 5229 state: variable slots and the match variables ${0}..${9}.
    std::vector<std::string> variables;
    std::array<std::string, 10> match_values;

    // The message-content extensions' per-run state (RFC 5173, RFC 5703):
    // the foreverypart loop stack and the MIME parts decoded so far. Made
    // on first use, so scripts without them pay nothing.
    std::shared_ptr<ext::content_state> content;

    // String operand `id`, with variables expanded when it is a template;
    // the view points into the pool or into `buffer`.
    std::string_view text(std::uint64_t id, std::string& buffer) const;
    const std::vector<std::uint32_t>& list(std::uint64_t id) const { return prog.lists[id]; }

    // True when any key of list `keys` matches `value`. A successful
    // :matches or :regex sets the match variables when the script reads
    // them. With :count it only counts `value` and returns false: a test
    // walks all its values, then decides with count_matches().
    bool any_key(std::string_view value, std::uint64_t keys, match_spec spec);
    // RFC 5231 §4.2: the number of values counted since the last call,
    // compared with each key; resets the count.
    bool count_matches(std::uint64_t keys, match_spec spec);
    std::uint64_t counted = 0;
    // Sets ${0} to `whole` and ${1}.. to the captured spans of it.
    void set_match_values(std::string_view whole, const std::vector<span>& captures);

    // Actions, with RFC 5228 §4 deduplication and the eval_limits; a breach
    // throws runtime_error.
    void keep(unsigned line);
    void fileinto(std::string_view mailbox, unsigned line);
    void redirect(std::string_view address, unsigned line);
    void discard(unsigned line);
    void reject(action_kind kind, std::string_view reason, unsigned line);  // reject or ereject

    // What a tag prefix set for the next instruction, which consumes it:
    // ":copy" (RFC 3894) and ":flags" (RFC 5232) for an action, ":zone" /
    // ":originalzone" (RFC 5260) for a date test.
    struct modifiers {
        bool copy = false;
        std::optional<std::vector<std::string>> flags;
        std::optional<std::string> zone;
        bool original_zone = false;
    } pending;
    // The flags the next keep/fileinto stores with: its :flags, else the
    // internal variable of imap4flags, else none.
    std::vector<std::string> current_flags() const;

    unsigned line() const { return prog.lines[pc - 1]; }

    // The result so far, for a host: explicit actions in order, whether the
    // implicit keep still stands, and a reset to the start state.
    const std::vector<action>& actions() const { return actions_; }
    bool implicit_keep() const { return implicit_keep_; }
    void reset_result();

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
