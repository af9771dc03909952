// The state of one evaluation: program counter, condition flag, the result
// being built, and access to the message, envelope and constant pools.
// Instruction handlers (vm::exec_*) receive it.
#pragma once

#include "mail/message.hpp"
#include "vm/match.hpp"
#include "vm/program.hpp"

#include <sift/host.hpp>
#include <sift/message.hpp>
#include <sift/options.hpp>
#include <sift/result.hpp>
#include <sift/session.hpp>

#include <boost/container/small_vector.hpp>

#include <array>
#include <cstddef>
#include <memory>
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

// How running foreverypart loops follow a new message (RFC 5703 §5):
// numbering the MIME parts depth-first (ext::collect_parts), each old
// part moves `shift` places on (enclose puts its three parts first);
// after a replace of part `replaced`, the part stays, the `descendants`
// inside it are gone, and the parts after them keep their distance from
// the end.
struct part_map {
    std::size_t shift = 0;
    std::optional<std::size_t> replaced;
    std::size_t descendants = 0;
};

// An extension's per-run state: a subclass its folder defines, which the
// VM owns (run_state::slot<T>() makes it on first use, so runs that do not
// use the extension pay nothing) without knowing what it holds. Its hooks
// are how the extension takes part in the run's end and in message
// rewriting without the VM knowing it.
class run_slot {
public:
    virtual ~run_slot() = default;

    // Prefixes. RFC 5228 has none: an extension's tag on another
    // capability's command is compiled as a prefix instruction (`mod_*`)
    // before the command, which leaves its value in the extension's slot
    // until the command takes it.
    //
    // keep, fileinto or redirect (RFC 5228 §4) is making `a`, or the run
    // ends with the implicit keep (a keep_action with `implicit` set, no
    // prefixes before it): the extension completes the action from its
    // prefixes or its own state, and may clear `cancels_implicit_keep`
    // (true for keep, fileinto and redirect). Called for every slot
    // before the VM deduplicates the action (RFC 5228 §2.10.3), so a slot
    // may look at another's prefixes here.
    virtual void complete_action(run_state&, action& a, bool& cancels_implicit_keep) {
        (void)a, (void)cancels_implicit_keep;
    }
    // The command the prefixes were for ran (run_state::take_prefixes):
    // what they left goes.
    virtual void drop_prefixes() {}
    // `a` is about to join the result: an extension whose actions conflict
    // with it throws runtime_error.
    virtual void adding(run_state&, const action& a) { (void)a; }
    // RFC 5228 §2.10.3: `later` files into the mailbox `earlier` did, so
    // only `earlier` stays; the extension moves into it what of `later`
    // should win.
    virtual void merged(action& later, action& earlier) { (void)later, (void)earlier; }

    // The run ends with result `r` (`failure` set when the script failed:
    // its actions are cancelled, RFC 5228 §2.10.6). The extension adds to
    // the result, or undoes what the run did outside it.
    virtual void finish(run_state&, result&, const runtime_error*) {}
    // replace/enclose (RFC 5703 §5-6) made `next` of `previous`: state that
    // points into the old message follows `map`.
    virtual void message_replaced(run_state&, const mail::message& previous, const mail::message& next,
                                  const part_map& map) {
        (void)previous, (void)next, (void)map;
    }
    // The host swapped the message (run_state::forget_message_changes).
    virtual void message_forgotten() {}
};

// Commands a frontend provides without the library knowing them: it registers
// them in its own registry (validate::registry) with emit hooks producing
// `call_host`, compiles with that registry (api/compile.hpp) and runs with
// a command host installed; the VM hands every `call_host` to
// command_host::call. The host
// reads its operands through run_state (text, list), sets `flag` when the
// operation is a test, may move `pc` (to a label its compile side emitted)
// and may throw runtime_error. Between instructions it may also change the
// message, envelope and limits it passed to run(): run_state refers to the
// host's own objects (assign to the mail::message in place, never replace
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

    const program& prog;
    // The message as it came. Tests and actions read current(), which is
    // this one until replace or enclose (RFC 5703 §5-6) make a new one.
    const mail::message& message;
    const envelope& env;
    const run_options& options;  // settings of the extensions
    const eval_limits& limits;   // options.limits
    // The outside world (sift/host.hpp): options.host, or default_host().
    // The only clock extensions read is host.now().
    const sift::host& host;

    command_host* commands = nullptr;  // runs call_host; none in a plain run
    const session* client = nullptr;   // what the frontend knows (environment, RFC 5183)
    std::size_t pc = 0;                // next instruction
    bool flag = false;
    bool stopped = false;
    std::string scratch;  // reused buffer for decoded header values

    // The extension state of type T (a run_slot), made on first use.
    template <class T>
    T& slot() {
        auto id = slot_id<T>();
        if (slots_.size() <= id) slots_.resize(id + 1);
        if (!slots_[id]) {
            void* at = arena_allocate(sizeof(T), alignof(T));
            slots_[id] = at ? new (at) T() : new T();
        }
        return static_cast<T&>(*slots_[id]);
    }
    // The same, or null when no instruction made it yet.
    template <class T>
    T* find_slot() const {
        auto id = slot_id<T>();
        return id < slots_.size() ? static_cast<T*>(slots_[id]) : nullptr;
    }

    // String operand `id`, its references expanded when it is a template
    // (template_ops::expand); the view points into the pool or into
    // `buffer`.
    std::string_view text(std::uint64_t id, std::string& buffer) const;
    std::span<const std::uint32_t> list(std::uint64_t id) const { return prog.lists[id]; }

    // The match type ('m') and comparator ('c') operands of an instruction,
    // with the operations of an extension's ids.
    match_spec match_spec_of(std::uint64_t operand, std::uint64_t comparator_operand) const;

    // True when any key of list `keys` matches `value` (an extension's
    // match type decides through its match_type_ops). A successful
    // :matches tells what it captured (captured()).
    bool any_key(std::string_view value, std::uint64_t keys, match_spec spec);
    // Whether a match under `spec` should report what it captured: the
    // program reads it and the test allows it (match_spec::capture).
    bool captures_wanted(const match_spec& spec) const {
        return spec.capture && prog.reads_captures && prog.tables && prog.tables->templates;
    }
    // A successful match on `value` captured `spans` (spans[0] the whole
    // match): handed to template_ops::captured, which keeps what templates
    // read. Call only when captures_wanted().
    void captured(std::string_view value, std::span<const span> spans) {
        prog.tables->templates->captured(*this, value, spans);
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

    // The header fields tests see: the current message's own until
    // editheader changes them, then an edited copy (RFC 5293 §3: later
    // tests see the edits). `original` is the field's 1-based place among
    // the current message's fields of its name, 0 for an added one.
    // `locked` marks the Original-Subject / Original-From fields replace
    // added, which editheader may not remove (RFC 5703 §5).
    struct edited_field {
        std::string name, value;
        unsigned original = 0;
        bool locked = false;
    };
    std::optional<std::vector<edited_field>> edited_headers;
    std::int64_t size_delta = 0;  // octets editheader added (or removed)
    std::vector<header_edit> header_edits;

    // The message tests read and keep/fileinto deliver: `message`, or the
    // one the last replace/enclose made (editheader's edits are on top, in
    // edited_headers).
    const mail::message& current() const { return rewritten_ ? *rewritten_ : message; }
    // The header fields as the script now sees them (a copy).
    std::vector<edited_field> header_fields() const;
    // The line end the current message uses; text Sift adds to it uses the
    // same.
    std::string_view eol() const;
    // The current message as delivered: its header as edited, its body.
    std::string delivered() const;
    // The same, with where its body starts (for the result).
    rewritten_message delivered_message() const;

    using part_map = vm::part_map;
    // replace / enclose (RFC 5703 §5-6): the message becomes `header` (the
    // fields in order, values as they follow the colon, line ends eol())
    // and `body`. The edits so far are part of it: edited_headers starts
    // afresh, and the loops go on over the new parts. Throws runtime_error
    // past eval_limits::max_rewritten_message_size, or when replace and
    // enclose ran max_actions times already.
    void rewrite(message_edit edit, const std::vector<edited_field>& header, std::string_view body,
                 const part_map& parts);
    const std::vector<message_edit>& message_edits() const { return message_edits_; }
    // A host that swaps the message between instructions (the conformance
    // runner's test_set "message") forgets every change made to the old one.
    void forget_message_changes();

    std::uint64_t message_size() const { return std::uint64_t(std::int64_t(current().size()) + size_delta); }

    // Calls f(const mail::header_field&) -> bool (false stops) for each
    // field named `name` as the script now sees them. Returns false when f
    // stopped the walk.
    template <class F>
    bool visit_fields(mail::field_name name, F&& f) {
        if (!edited_headers) return current().for_each(name, f);
        for (const auto& e : *edited_headers) {
            auto h = mail::make_field(e.name, e.value);
            if (mail::has_name(h, name) && !f(h)) return false;
        }
        return true;
    }
    unsigned line() const { return prog.lines[pc - 1]; }
    // host.now() in seconds since the epoch.
    std::int64_t now() const;

    // The result so far, for a host: explicit actions in order, whether the
    // implicit keep still stands, and a reset to the start state.
    const std::vector<action>& actions() const { return actions_; }
    bool implicit_keep() const { return implicit_keep_; }
    void reset_result();

    // Finishes the result: implicit keep, or the §2.10.6 fallback.
    result finish(const runtime_error* failure, std::uint64_t executed);

private:
    // Every slot's complete_action on `a`, then take_prefixes; whether `a`
    // cancels the implicit keep.
    bool complete(action& a);
    // keep and fileinto: `a` joins the result unless an action filing into
    // its mailbox is there already (run_slot::merged).
    void file(action&& a, bool cancels_implicit_keep);
    void push(action&& a, bool cancels_implicit_keep);

    // One id per run_slot type, handed out on first use.
    static std::size_t next_slot_id();
    template <class T>
    static std::size_t slot_id() {
        static const std::size_t id = next_slot_id();
        return id;
    }
    // Slots by id, owned: small ones live in arena_ (a run making a few
    // allocates nothing for them), larger ones on the heap.
    boost::container::small_vector<run_slot*, 32> slots_;
    alignas(std::max_align_t) std::array<std::byte, 512> arena_;
    std::size_t arena_used_ = 0;
    void* arena_allocate(std::size_t size, std::size_t align) {
        std::size_t at = (arena_used_ + align - 1) / align * align;
        if (at + size > arena_.size()) return nullptr;
        arena_used_ = at + size;
        return arena_.data() + at;
    }

    std::vector<action> actions_;
    bool implicit_keep_ = true;
    unsigned redirects_ = 0;
    bool hold_prefixes_ = false;

    std::unique_ptr<mail::message> rewritten_;  // replace / enclose made it
    std::vector<message_edit> message_edits_;
    std::optional<rewritten_message> redirect_message_;     // as the first enclose found it
    std::vector<std::pair<std::string, unsigned>> locked_;  // lower-cased name, occurrence
};

}  // namespace sift::vm
