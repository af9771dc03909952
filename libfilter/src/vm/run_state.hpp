// The state of one evaluation: program counter, condition flag, the result
// being built, and access to the message, envelope and constant pools.
// Instruction handlers (vm::exec_*) receive it.
#pragma once

#include "mail/message.hpp"
#include "vm/match.hpp"
#include "vm/program.hpp"
#include "vm/run_slot.hpp"

#include <sift/host.hpp>
#include <sift/message.hpp>
#include <sift/options.hpp>
#include <sift/result.hpp>
#include <sift/session.hpp>

#include <boost/container/small_vector.hpp>

#include <array>
#include <cstddef>
#include <new>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

namespace sift::mail {
class message;
}

namespace sift::vm {

struct runtime_error {
    std::string message;
    // The host could not answer a lookup (sift/host.hpp): the run ends with
    // run_status::lookup_failed instead of runtime_error.
    bool lookup_failed = false;
};

// Asks the host something (f()): its answer, or, when it throws, a runtime
// error that is a lookup failure, "what: why". Every call into the host's
// store, lists and mail store goes through it.
template <class F>
decltype(auto) ask_host(std::string_view what, F&& f) {
    try {
        return f();
    } catch (const std::exception& e) {
        throw runtime_error{std::string(what) + ": " + e.what(), true};
    }
}

class run_state;

// Commands a frontend provides without the library knowing them: it registers
// them in its own registry (validate::registry) with emit hooks producing
// `call_host`, compiles with that registry (api/compile.hpp) and runs with
// a command host installed; the VM hands every `call_host` to
// command_host::call. The host
// reads its operands through run_state (text, list), sets `flag` when the
// operation is a test, may move `pc` (to a label its compile side emitted)
// and may throw runtime_error. Between instructions it may also change the
// message, envelope and limits it passed to run(): run_state refers to the
// host's own objects (assign to the mail::message in place, never swap in
// the object, so the reference stays valid).
class command_host {
public:
    virtual ~command_host() = default;
    virtual void call(run_state& s, const instruction& ins) = 0;
};

class run_state {
public:
    run_state(const program& p, const mail::message& msg, const envelope& env, const run_options& options);
    ~run_state();
    run_state(const run_state&) = delete;
    run_state& operator=(const run_state&) = delete;

    // The program running: the script's, or in a sequence (vm::run over
    // several programs) the current script's.
    const program& prog() const { return *prog_; }
    // The message as it came. Tests and actions read current(), which is
    // this one until an extension makes a new one (change_message).
    const mail::message& message;
    const envelope& env;
    const run_options& options;  // settings of the extensions
    const eval_limits& limits;   // options.limits
    // The outside world (sift/host.hpp): options.host, or default_host().
    // The only clock extensions read is host.now().
    const sift::host& host;

    command_host* commands = nullptr;  // runs call_host; none in a plain run
    const session* client = nullptr;   // what the frontend knows of the connection
    std::size_t pc = 0;                // next instruction
    bool flag = false;
    // Ends the running script (stop, RFC 5228 §3.3, and the commands that
    // act as it): pc goes past its last instruction, the one thing the
    // dispatch loop checks after each handler.
    void stop() { pc = prog_->code.size(); }
    std::string scratch;  // reused buffer for decoded header values

    // The extension state of type T (a run_slot), made on first use.
    template <class T>
    T& slot() {
        auto id = slot_id<T>();
        if (id < slots_.size() && slots_[id]) [[likely]]
            return static_cast<T&>(*slots_[id]);
        return make_slot<T>(id);
    }
    // The same, or null when no instruction made it yet.
    template <class T>
    T* find_slot() const {
        auto id = slot_id<T>();
        return id < slots_.size() ? static_cast<T*>(slots_[id]) : nullptr;
    }

    // String operand `id`, its references expanded when it is a template
    // (template_ops::expand); the view points into the pool or into
    // `buffer`. Inline for a plain string, most operands, since it is read
    // for every key of every test (a call cost more than the look-up).
    std::string_view text(std::uint64_t id, std::string& buffer) const {
        if (!prog_->is_template[id]) return prog_->strings[id];
        return expanded(id, buffer);
    }
    std::span<const std::uint32_t> list(std::uint64_t id) const { return prog_->lists[id]; }
    // text() as a header field name, with its lookup key: a plain string's
    // was computed when the program was linked (program::name_keys), a
    // template's is computed from its expansion.
    mail::field_name field_name(std::uint64_t id, std::string& buffer) const {
        if (!prog_->is_template[id] && id < prog_->name_keys.size())
            return {prog_->strings[id], prog_->name_keys[id]};
        return mail::field_name(text(id, buffer));
    }

    // The match type ('m') and comparator ('c') operands of an instruction,
    // with the operations of an extension's ids. Inline: every test with a
    // match type starts with it (a call was a third of its cost).
    match_spec match_spec_of(std::uint64_t operand, std::uint64_t comparator_operand) const {
        match_spec spec{static_cast<comparator>(comparator_operand), static_cast<match_type>(operand & 0xFF),
                        static_cast<relation>((operand >> 8) & 0xFF)};
        // link_matchers() checked that the tables know every id that is not the VM's own.
        if (!is_core(spec.cmp)) spec.cmp_ops = prog_->tables->comparators[comparator_operand & 0xFF];
        if (!is_core(spec.type)) spec.type_ops = prog_->tables->match_types[operand & 0xFF];
        return spec;
    }

    // True when any key of list `keys` matches `value` (an extension's
    // match type decides through its match_type_ops). A successful
    // :matches tells what it captured (captured()). Inline, so that an
    // extension's match type (a third of a policy's calls) is handed on
    // without the VM's own loop's set-up.
    bool any_key(std::string_view value, std::uint64_t keys, const match_spec& spec) {
        if (spec.type_ops) return spec.type_ops->any_key(*this, value, keys, spec);
        if (spec.type == match_type::is && !spec.cmp_ops) return own_any_key_is(value, keys, spec.cmp);
        return own_any_key(value, keys, spec);
    }
    // Whether a match under `spec` should report what it captured: the
    // program reads it and the test allows it (match_spec::capture).
    bool captures_wanted(const match_spec& spec) const {
        return spec.capture && prog_->reads_captures && prog_->tables && prog_->tables->templates;
    }
    // A successful match on `value` covered `whole` and captured `groups`:
    // handed to template_ops::captured, which keeps what templates read.
    // Call only when captures_wanted().
    void captured(std::string_view value, span whole, std::span<const span> groups) {
        prog_->tables->templates->captured(*this, value, whole, groups);
    }

    // The actions of RFC 5228 §4, with its deduplication (§2.10.3) and the
    // eval_limits; a breach throws runtime_error. keep, fileinto and
    // redirect take the prefixes before them (run_slot::complete_action,
    // then take_prefixes).
    void keep(unsigned line);
    void fileinto(std::string_view mailbox, unsigned line);
    void redirect(std::string_view address, unsigned line);
    void discard(unsigned line);
    // An action an extension made, after every slot's `adding` hook and
    // within max_actions; it cancels the implicit keep when asked (each
    // extension's RFC says whether it does).
    void add_action(action a, bool cancels_implicit_keep) { push(std::move(a), cancels_implicit_keep); }
    // Every slot's complete_action on `a`, then take_prefixes; whether `a`
    // cancels the implicit keep. keep, fileinto and redirect call it; so
    // does an extension's action that other extensions' tags may complete,
    // before add_action.
    bool complete(action& a);
    // The instruction the prefixes were for ran: every slot drops what they
    // left (run_slot::drop_prefixes). The actions above call it; so does an
    // extension's command or test that takes prefixes.
    void take_prefixes();
    // While one lives, actions leave the prefixes in place, so that one
    // command making several actions gives each the same tags; when it
    // ends, the prefixes are taken.
    class prefix_hold {
    public:
        explicit prefix_hold(run_state& s) : s_(s) { s_.hold_prefixes_ = true; }
        ~prefix_hold() {
            s_.hold_prefixes_ = false;
            s_.take_prefixes();
        }
        prefix_hold(const prefix_hold&) = delete;
        prefix_hold& operator=(const prefix_hold&) = delete;

    private:
        run_state& s_;
    };

    // The message tests read and keep/fileinto deliver: `message`, until an
    // extension makes a new one (change_message).
    const mail::message& current() const { return *current_; }
    // The line end the current message uses; text Sift adds to it uses the
    // same.
    std::string_view eol() const;
    // The message is now `next` (an extension's, which keeps it alive for
    // the rest of the run): every slot's message_replaced hook follows it
    // (`parts` says where the old message's parts went), then current() is
    // `next` and the header view is dropped.
    void change_message(const mail::message& next, const part_map& parts);
    // The header fields tests see are `view`'s from now on (null: the
    // current message's own again); `view` lives as long as the run.
    void set_header_view(const header_view* view) { header_view_ = view; }
    // A host that swaps the message between instructions (the conformance
    // runner's test_set "message") forgets every change made to the old
    // one: current() is `message` again, without a header view, and every
    // slot's message_forgotten hook runs.
    void forget_message_changes();

    // The current message's size (RFC 5228 §5.9) as the header view has it.
    std::uint64_t message_size() const {
        auto change = header_view_ ? header_view_->size_change() : 0;
        return std::uint64_t(std::int64_t(current().size()) + change);
    }

    // Calls f(const mail::header_field&) -> bool (false stops) for each
    // field named `name` as the script now sees them. Returns false when f
    // stopped the walk.
    template <class F>
    bool visit_fields(mail::field_name name, F&& f) {
        if (!header_view_ || !header_view_->may_differ(name)) return current().for_each(name, f);
        return header_view_->visit(name, field_visitor(f));
    }
    unsigned line() const { return prog_->lines[pc - 1]; }
    // host.now() in seconds since the epoch.
    std::int64_t now() const;

    // The result so far, for a host: explicit actions in order, whether the
    // implicit keep still stands, and a reset to the start state.
    const std::vector<action>& actions() const { return actions_; }
    bool implicit_keep() const { return implicit_keep_; }
    void reset_result();

    // A sequence (vm::run over several programs, as Pigeonhole's
    // sieve_before / sieve_after): the script that ran ended without
    // cancelling the implicit keep, and `next` runs now, on the result and
    // the message as the scripts before it left them. Every slot's
    // script_ending hook runs while prog() is still the old program, then
    // prog() is `next` (pc 0, flag clear, script() one more)
    // and every slot's script_starting hook runs.
    void next_script(const program& next);
    // Which script of the sequence runs: 0 for the first (or only) one. A
    // slot whose state belongs to one script keeps the number with it, so
    // that the next script starts without it.
    std::uint32_t script() const { return script_; }
    // Every program of the run, in order (script() indexes it): for
    // what their scripts share, as the first and last scripts' phrase
    // lists (paired_phrases_for).
    std::span<const program* const> programs;
    // A run of several programs: errors name the script.
    bool in_sequence() const { return programs.size() > 1; }

    // Finishes the result: implicit keep, or the §2.10.6 fallback (the
    // failing script's actions are cancelled; in a sequence those of the
    // scripts before it stay).
    result finish(const runtime_error* failure, std::uint64_t executed);

private:
    // keep and fileinto: `a` joins the result unless an action filing into
    // its mailbox is there already (run_slot::merged).
    void file(action&& a, bool cancels_implicit_keep);
    void push(action&& a, bool cancels_implicit_keep);

    // text() of a template: its references expanded into `buffer`.
    std::string_view expanded(std::uint64_t id, std::string& buffer) const;
    // any_key under the VM's own match types but :is of its own comparators.
    bool own_any_key(std::string_view value, std::uint64_t keys, const match_spec& spec);
    // The same for :is under the VM's own comparators, the most common
    // test: a function of its own, without the other match types' set-up
    // and registers to save (a third of its cost in own_any_key).
    bool own_any_key_is(std::string_view value, std::uint64_t keys, comparator cmp);

    template <class T>
    [[gnu::noinline]] T& make_slot(std::size_t id) {
        if (slots_.size() <= id) slots_.resize(id + 1);
        void* at = arena_allocate(sizeof(T), alignof(T));
        slots_[id] = at ? new (at) T() : new T();
        return static_cast<T&>(*slots_[id]);
    }
    // One id per run_slot type, handed out on first use.
    static std::size_t next_slot_id();
    template <class T>
    static std::size_t slot_id() {
        static const std::size_t id = next_slot_id();
        return id;
    }
    // Slots by id, owned: they live in arena_ while it has room, the rest
    // on the heap. 3 KiB holds every slot the default policy makes (2,504
    // bytes, some slots keeping their first entries inline) with room to
    // spare, so a run of it allocates nothing for them (512 bytes left five
    // of them to the heap, an allocation and a free each a message).
    boost::container::small_vector<run_slot*, 32> slots_;
    alignas(std::max_align_t) std::array<std::byte, 3072> arena_;
    std::size_t arena_used_ = 0;
    void* arena_allocate(std::size_t size, std::size_t align) {
        std::size_t at = (arena_used_ + align - 1) / align * align;
        if (at + size > arena_.size()) return nullptr;
        arena_used_ = at + size;
        return arena_.data() + at;
    }

    const program* prog_;
    std::uint32_t script_ = 0;
    std::size_t script_first_action_ = 0;  // where the running script's actions start
    std::vector<action> actions_;
    bool implicit_keep_ = true;
    unsigned redirects_ = 0;
    bool hold_prefixes_ = false;

    const mail::message* current_;
    const header_view* header_view_ = nullptr;
    std::vector<span> captures_;  // any_key's :matches captures, reused
    std::string key_buffer_;      // any_key's template keys, expanded
};

}  // namespace sift::vm
