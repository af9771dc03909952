// What an extension's per-run state is to the VM: a run_slot (made by
// run_state::slot<T>(), with the hooks through which the extension takes
// part in a run), and the header view a slot may put in front of the
// current message (editheader's edits, RFC 5293 §3). The VM calls them
// without knowing what they hold; run_state.hpp keeps only what RFC 5228
// itself needs.
#pragma once

#include "mail/header.hpp"

#include <sift/result.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace sift::mail {
class message;
}

namespace sift::vm {

class run_state;
struct runtime_error;

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

// A copy of a text, kept inline up to 64 bytes (no allocation), in a
// std::string past that: what a slot's cache keys an entry by, the raw
// value it parsed (a header field's, an envelope path), which may change
// while the run goes on. An array and a string rather than boost's
// small_vector: their moves cannot throw, so the caches' entries holding
// one keep noexcept moves (clang-tidy's bugprone-exception-escape sees
// small_vector's noexcept move call code that allocates).
class raw_text {
public:
    raw_text() = default;
    explicit raw_text(std::string_view s) : size_(s.size()) {
        if (s.size() <= inline_size)
            std::copy(s.begin(), s.end(), inline_.begin());
        else
            heap_.assign(s);
    }
    std::string_view view() const {
        return size_ <= inline_size ? std::string_view(inline_.data(), size_) : std::string_view(heap_);
    }
    bool operator==(std::string_view s) const { return view() == s; }

private:
    static constexpr std::size_t inline_size = 64;
    std::array<char, inline_size> inline_{};
    std::string heap_;
    std::size_t size_ = 0;
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
    // keep, fileinto or redirect (RFC 5228 §4), or reject/ereject (RFC
    // 5429, whose cancels_implicit_keep is ignored: a refusal always
    // cancels it), is making `a`, or the run
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
    // An extension made `next` of `previous` (run_state::change_message;
    // replace and enclose, RFC 5703 §5-6): state that points into the old
    // message follows `map`.
    virtual void message_replaced(run_state&, const mail::message& previous, const mail::message& next,
                                  const part_map& map) {
        (void)previous, (void)next, (void)map;
    }
    // The host swapped the message (run_state::forget_message_changes).
    virtual void message_forgotten() {}

    // A sequence goes on to its next script (run_state::next_script):
    // script_ending runs while prog() is the script that ended (save what
    // carries over: imap4flags' internal flags), script_starting once
    // prog() is the next one (hand it on). What a slot keeps and does not
    // tie to a program (actions' prefixes are taken, header edits, scores)
    // simply carries.
    virtual void script_ending(run_state&) {}
    virtual void script_starting(run_state&) {}
};

// A callback over header fields without a template: f(const
// mail::header_field&) -> bool, false stopping the walk. Refers to f,
// which must outlive it.
class field_visitor {
public:
    template <class F>
    requires(!std::is_same_v<std::remove_cvref_t<F>, field_visitor>)
        field_visitor(F& f)  // NOLINT(google-explicit-constructor): made where it is passed
        : context_(const_cast<void*>(static_cast<const void*>(&f))),
          call_([](void* c, const mail::header_field& h) -> bool { return (*static_cast<F*>(c))(h); }) {}
    bool operator()(const mail::header_field& h) const { return call_(context_, h); }

private:
    void* context_;
    bool (*call_)(void*, const mail::header_field&);
};

// The header fields tests see, when an extension changed them (RFC 5293
// §3: editheader's edits are seen by later tests): the slot that made the
// change installs itself (run_state::set_header_view) and run_state's
// field walks and size read it instead of the current message's own
// header. run_state::change_message and forget_message_changes drop it.
class header_view {
public:
    virtual ~header_view() = default;
    // Calls f for each field named `name`, in order; false when f stopped.
    virtual bool visit(mail::field_name name, field_visitor f) const = 0;
    // Octets the view adds to the current message's size (negative when
    // it removes some).
    virtual std::int64_t size_change() const = 0;

    // The OR of the mail::key_bit()s of the names whose fields the view
    // changes (adds, removes): the fields of every other name are the
    // current message's own, and run_state::visit_fields reads them from
    // its index without the virtual visit (most lookups after an edit are
    // of names no edit touched: the default policy's exists tests).
    std::uint64_t touched = 0;
    bool may_differ(mail::field_name name) const { return (touched & mail::key_bit(name.key)) != 0; }
};

}  // namespace sift::vm
