// Building the result: RFC 5228 §4 action semantics.
//  - keep and fileinto into the same mailbox deliver once (keep is a
//    fileinto "INBOX"); a repeated redirect to one address is sent once;
//  - keep, fileinto, redirect and discard cancel the implicit keep;
//  - a runtime error cancels every action and keeps the message (§2.10.6).
#include "vm/run_state.hpp"

#include <algorithm>

namespace sift::vm {

match_spec unpack_match(std::uint64_t operand, std::uint64_t comparator_operand) {
    return match_spec{static_cast<comparator>(comparator_operand), static_cast<match_type>(operand & 0xFF)};
}

bool run_state::any_key(std::string_view value, std::uint64_t keys, match_spec spec) const {
    for (auto k : prog.lists[keys])
        if (matches(value, prog.strings[k], spec)) return true;
    return false;
}

namespace {

constexpr std::string_view inbox = "INBOX";

// Mailbox names are compared as IMAP does: INBOX case-insensitively,
// everything else exactly.
bool same_mailbox(std::string_view a, std::string_view b) {
    if (equal(a, inbox, comparator::ascii_casemap) && equal(b, inbox, comparator::ascii_casemap)) return true;
    return a == b;
}

bool delivers_to(const action& a, std::string_view mailbox) {
    return (a.kind == action_kind::keep || a.kind == action_kind::fileinto) && same_mailbox(a.mailbox, mailbox);
}

}  // namespace

void run_state::add(action a, bool cancels_implicit_keep) {
    if (actions_.size() >= limits.max_actions)
        throw runtime_error{"too many actions (limit " + std::to_string(limits.max_actions) + ")"};
    if (cancels_implicit_keep) implicit_keep_ = false;
    actions_.push_back(std::move(a));
}

void run_state::keep(unsigned line) {
    implicit_keep_ = false;
    if (std::any_of(actions_.begin(), actions_.end(), [](const action& a) { return delivers_to(a, inbox); }))
        return;
    add(action{action_kind::keep, std::string(inbox), {}, {}, {}, false, false, line}, true);
}

void run_state::fileinto(std::string_view mailbox, unsigned line) {
    implicit_keep_ = false;
    if (std::any_of(actions_.begin(), actions_.end(), [&](const action& a) { return delivers_to(a, mailbox); }))
        return;
    add(action{action_kind::fileinto, std::string(mailbox), {}, {}, {}, false, false, line}, true);
}

void run_state::redirect(std::string_view address, unsigned line) {
    implicit_keep_ = false;
    bool seen = std::any_of(actions_.begin(), actions_.end(), [&](const action& a) {
        return a.kind == action_kind::redirect && a.address == address;
    });
    if (seen) return;
    if (++redirects_ > limits.max_redirects)
        throw runtime_error{"too many redirect actions (limit " + std::to_string(limits.max_redirects) + ")"};
    add(action{action_kind::redirect, {}, {}, std::string(address), {}, false, false, line}, true);
}

void run_state::discard(unsigned line) {
    implicit_keep_ = false;
    if (std::any_of(actions_.begin(), actions_.end(), [](const action& a) { return a.kind == action_kind::discard; }))
        return;
    add(action{action_kind::discard, {}, {}, {}, {}, false, false, line}, true);
}

result run_state::finish(const runtime_error* failure, std::uint64_t executed) {
    result r;
    r.instructions = executed;
    if (failure) {
        r.status = run_status::runtime_error;
        unsigned at = pc > 0 && pc - 1 < prog.lines.size() ? prog.lines[pc - 1] : 0;
        r.errors.push_back("line " + std::to_string(at) + ": " + failure->message);
        actions_.clear();
        implicit_keep_ = true;
    }
    r.actions = std::move(actions_);
    if (implicit_keep_) r.actions.push_back(action{action_kind::keep, std::string(inbox), {}, {}, {}, false, true, 0});
    return r;
}

}  // namespace sift::vm
