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

std::string_view run_state::text(std::uint64_t id, std::string& buffer) const {
    const auto& source = prog.strings[id];
    if (!prog.is_template[id]) return source;
    buffer.clear();
    for (const auto& part : prog.templates[id]) {
        switch (part.what) {
            case template_part::kind::literal: buffer.append(source, part.offset, part.length); break;
            case template_part::kind::variable: buffer += variables[part.index]; break;
            case template_part::kind::match:
                if (part.index < match_values.size()) buffer += match_values[part.index];
                break;
        }
    }
    return buffer;
}

bool run_state::any_key(std::string_view value, std::uint64_t keys, match_spec spec) {
    std::string key_buffer;
    bool capture = prog.uses_match_variables && spec.type == match_type::matches;
    std::vector<span> captures;
    for (auto k : prog.lists[keys]) {
        auto key = text(k, key_buffer);
        if (!capture) {
            if (matches(value, key, spec)) return true;
        } else if (glob_match(value, key, spec.cmp, &captures)) {
            set_match_values(value, captures);
            return true;
        }
    }
    return false;
}

void run_state::set_match_values(std::string_view whole, const std::vector<span>& captures) {
    match_values[0].assign(whole);
    for (std::size_t i = 1; i < match_values.size(); ++i) {
        if (i <= captures.size())
            match_values[i].assign(whole.substr(captures[i - 1].offset, captures[i - 1].length));
        else
            match_values[i].clear();
    }
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

namespace {

// Two redirect addresses are the same when the local parts are equal and
// the domains equal but for case (RFC 5321 §2.4).
bool same_address(std::string_view a, std::string_view b) {
    auto at_a = a.rfind('@'), at_b = b.rfind('@');
    if (at_a == std::string_view::npos || at_b == std::string_view::npos) return a == b;
    return a.substr(0, at_a) == b.substr(0, at_b) && equal(a.substr(at_a), b.substr(at_b), comparator::ascii_casemap);
}

}  // namespace

void run_state::redirect(std::string_view address, unsigned line) {
    implicit_keep_ = false;
    bool seen = std::any_of(actions_.begin(), actions_.end(), [&](const action& a) {
        return a.kind == action_kind::redirect && same_address(a.address, address);
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
