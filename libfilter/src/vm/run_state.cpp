// Building the result: RFC 5228 §4 action semantics.
//  - keep and fileinto into the same mailbox deliver once (keep is a
//    fileinto "INBOX"); a repeated redirect to one address is sent once;
//  - keep, fileinto, redirect and discard cancel the implicit keep;
//  - a runtime error cancels every action and keeps the message (§2.10.6).
#include "vm/run_state.hpp"

#include "mail/encode.hpp"
#include "mail/header.hpp"

#include <algorithm>
#include <atomic>
#include <unordered_map>

namespace sift::vm {

run_state::run_state(const program& p, const mail::message& msg, const envelope& env,
                     const run_options& options)
    : prog(p),
      message(msg),
      env(env),
      options(options),
      limits(options.limits),
      host(options.host ? *options.host : default_host()),
      variables(p.slot_count) {}

std::int64_t run_state::now() const {
    return std::chrono::duration_cast<std::chrono::seconds>(host.now().time_since_epoch()).count();
}

run_state::~run_state() = default;

std::size_t run_state::next_slot_id() {
    static std::atomic<std::size_t> next{0};
    return next++;
}

match_spec run_state::match_spec_of(std::uint64_t operand, std::uint64_t comparator_operand) const {
    match_spec spec{static_cast<comparator>(comparator_operand), static_cast<match_type>(operand & 0xFF),
                    static_cast<relation>((operand >> 8) & 0xFF)};
    // link_matchers() checked that the tables know every id that is not the VM's own.
    if (!is_core(spec.cmp)) spec.cmp_ops = prog.tables->comparators[comparator_operand & 0xFF];
    if (!is_core(spec.type)) spec.type_ops = prog.tables->match_types[operand & 0xFF];
    return spec;
}

std::string_view run_state::text(std::uint64_t id, std::string& buffer) const {
    const auto& source = prog.strings[id];
    if (!prog.is_template[id]) return source;
    buffer.clear();
    for (const auto& part : prog.templates[id]) {
        switch (part.what) {
            case template_part::kind::literal:
                buffer.append(source, part.offset, part.length);
                break;
            case template_part::kind::variable:
                buffer += variables[part.index];
                break;
            case template_part::kind::match:
                if (part.index < match_values.size()) buffer += match_values[part.index];
                break;
        }
    }
    return buffer;
}

bool run_state::any_key(std::string_view value, std::uint64_t keys, match_spec spec) {
    if (spec.type_ops) return spec.type_ops->any_key(*this, value, keys, spec);
    std::string key_buffer;
    bool capture = prog.uses_match_variables && spec.type == match_type::matches;
    std::vector<span> captures;
    for (auto k : prog.lists[keys]) {
        auto key = text(k, key_buffer);
        if (!capture) {
            if (matches(value, key, spec)) return true;
        } else if (glob_match(value, key, spec.cmp, &captures, spec.cmp_ops)) {
            set_match_values(value, captures);
            return true;
        }
    }
    return false;
}

bool run_state::ordered_against_any_key(std::string_view value, std::uint64_t keys, const match_spec& spec) {
    std::string key_buffer;
    for (auto k : prog.lists[keys])
        if (holds(compare(value, text(k, key_buffer), spec.cmp, spec.cmp_ops), spec.rel)) return true;
    return false;
}

bool run_state::count_matches(std::uint64_t keys, match_spec spec) {
    auto count = std::to_string(counted);
    counted = 0;
    return ordered_against_any_key(count, keys, spec);
}

void run_state::set_match_values(std::string_view whole, const std::vector<span>& captures) {
    match_values.resize(std::min(captures.size() + 1, max_match_values));
    match_values[0].assign(whole);
    for (std::size_t i = 1; i < match_values.size(); ++i)
        match_values[i].assign(whole.substr(captures[i - 1].offset, captures[i - 1].length));
}

namespace {

constexpr std::string_view inbox = "INBOX";

// Mailbox names are compared as IMAP does: INBOX case-insensitively,
// everything else exactly.
bool same_mailbox(std::string_view a, std::string_view b) {
    if (equal(a, inbox, comparator::ascii_casemap) && equal(b, inbox, comparator::ascii_casemap)) return true;
    return a == b;
}

// The flags of a keep or fileinto, else nullptr.
std::vector<std::string>* filing_flags(action& a) {
    if (auto* k = std::get_if<keep_action>(&a)) return &k->flags;
    if (auto* f = std::get_if<fileinto_action>(&a)) return &f->flags;
    return nullptr;
}

bool delivers_to(const action& a, std::string_view mailbox) {
    if (const auto* k = std::get_if<keep_action>(&a)) return same_mailbox(k->mailbox, mailbox);
    if (const auto* f = std::get_if<fileinto_action>(&a)) return same_mailbox(f->mailbox, mailbox);
    return false;
}

// RFC 5228 §2.10.3: a second keep/fileinto into a mailbox already filed
// into is not filed twice; the message is stored with the flags of the
// last of them (RFC 5232 leaves it open; Pigeonhole's rule, which lets a
// later :flags correct an earlier one). True when `mailbox` had one.
bool merge_duplicate(std::vector<action>& actions, std::string_view mailbox,
                     std::vector<std::string>& flags) {
    auto it = std::find_if(actions.begin(), actions.end(),
                           [&](const action& a) { return delivers_to(a, mailbox); });
    if (it == actions.end()) return false;
    *filing_flags(*it) = std::move(flags);
    return true;
}

bool is_reject(const action& a) {
    return std::holds_alternative<reject_action>(a);
}
// vacation counts too: a refused message gets no auto-reply (Pigeonhole).
bool delivers(const action& a) {
    return std::holds_alternative<keep_action>(a) || std::holds_alternative<fileinto_action>(a) ||
           std::holds_alternative<redirect_action>(a) || std::holds_alternative<vacation_action>(a);
}

// Two redirect addresses are the same when the local parts are equal and
// the domains equal but for case (RFC 5321 §2.4).
bool same_address(std::string_view a, std::string_view b) {
    auto at_a = a.rfind('@'), at_b = b.rfind('@');
    if (at_a == std::string_view::npos || at_b == std::string_view::npos) return a == b;
    return a.substr(0, at_a) == b.substr(0, at_b) &&
           equal(a.substr(at_a), b.substr(at_b), comparator::ascii_casemap);
}

}  // namespace

// RFC 5232 §3: a flag list is space-separated; flags compare caselessly.
std::vector<std::string> split_flags(std::string_view text) {
    std::vector<std::string> flags;
    std::size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && text[i] == ' ') ++i;
        std::size_t end = text.find(' ', i);
        if (end == std::string_view::npos) end = text.size();
        if (end > i) flags.emplace_back(text.substr(i, end - i));
        i = end;
    }
    return flags;
}

std::vector<std::string> run_state::current_flags() const {
    if (pending.flags) return *pending.flags;
    if (prog.internal_flags_slot) return split_flags(variables[*prog.internal_flags_slot]);
    return {};
}

// RFC 5429 §2: reject and ereject refuse the message, so they conflict
// with every action that delivers it, and happen at most once (as
// Pigeonhole has it, in either order).
void run_state::add(action a, bool cancels_implicit_keep) {
    for (const auto& other : actions_) {
        if (is_reject(a) && is_reject(other))
            throw runtime_error{"duplicate reject/ereject action (the first is at line " +
                                std::to_string(sift::line(other)) + ")"};
        if ((is_reject(a) && delivers(other)) || (delivers(a) && is_reject(other)))
            throw runtime_error{"reject/ereject conflicts with the " +
                                std::string(name(is_reject(a) ? other : a)) + " action at line " +
                                std::to_string(sift::line(is_reject(a) ? other : a))};
    }
    if (actions_.size() >= limits.max_actions)
        throw runtime_error{"too many actions (limit " + std::to_string(limits.max_actions) + ")"};
    if (cancels_implicit_keep) implicit_keep_ = false;
    actions_.push_back(std::move(a));
}

void run_state::keep(unsigned line) {
    auto flags = current_flags();
    pending = {};
    implicit_keep_ = false;
    if (merge_duplicate(actions_, inbox, flags)) return;
    add(keep_action{.mailbox = std::string(inbox), .flags = std::move(flags), .line = line}, true);
}

void run_state::fileinto(std::string_view mailbox, unsigned line) {
    auto flags = current_flags();
    auto mods = std::move(pending);
    pending = {};
    bool copy = mods.copy;
    // RFC 9042 §4.1 / RFC 8579 §4: the mailbox with that id, else the one
    // with that special use, else the named one; unresolved without a store.
    std::string target(mailbox);
    const mailbox_host* store = host.mailboxes();
    std::optional<std::string> found;
    if (store && mods.mailbox_id)
        found = ask_host("fileinto :mailboxid", [&] { return store->mailbox_for_id(*mods.mailbox_id); });
    if (store && !found && mods.special_use)
        found = ask_host("fileinto :specialuse", [&] { return store->special_use(*mods.special_use); });
    if (found) target = std::move(*found);
    if (!copy) implicit_keep_ = false;
    if (merge_duplicate(actions_, target, flags)) return;
    add(fileinto_action{.mailbox = std::move(target),
                        .flags = std::move(flags),
                        .copy = copy,
                        .create = mods.create,
                        .special_use = mods.special_use.value_or(""),
                        .mailbox_id = mods.mailbox_id.value_or(""),
                        .line = line},
        !copy);
}

void run_state::redirect(std::string_view address, unsigned line) {
    bool copy = pending.copy;
    pending = {};
    if (!copy) implicit_keep_ = false;
    bool seen = std::any_of(actions_.begin(), actions_.end(), [&](const action& a) {
        const auto* r = std::get_if<redirect_action>(&a);
        return r && same_address(r->address, address);
    });
    if (seen) return;
    if (++redirects_ > limits.max_redirects)
        throw runtime_error{"too many redirect actions (limit " + std::to_string(limits.max_redirects) + ")"};
    add(redirect_action{.address = std::string(address), .copy = copy, .line = line}, !copy);
}

void run_state::discard(unsigned line) {
    implicit_keep_ = false;
    if (std::any_of(actions_.begin(), actions_.end(),
                    [](const action& a) { return std::holds_alternative<discard_action>(a); }))
        return;
    add(discard_action{.line = line}, true);
}

void run_state::reject(bool extended, std::string_view reason, unsigned line) {
    add(reject_action{.reason = std::string(reason), .extended = extended, .line = line}, true);
}

std::vector<run_state::edited_field> run_state::header_fields() const {
    if (edited_headers) return *edited_headers;
    std::vector<edited_field> out;
    std::unordered_map<std::string, unsigned> seen;  // lower-cased name -> fields so far
    for (const auto& h : current().headers()) {
        auto key = mail::ascii_lower(h.name);
        unsigned n = ++seen[key];
        bool locked = std::find(locked_.begin(), locked_.end(), std::pair(key, n)) != locked_.end();
        out.push_back({std::string(h.name), std::string(h.value), n, locked});
    }
    return out;
}

std::string_view run_state::eol() const {
    return mail::eol_of(current().raw());
}

namespace {

std::string serialize(const std::vector<run_state::edited_field>& header, std::string_view body,
                      std::string_view eol) {
    std::size_t size = body.size() + eol.size();
    for (const auto& f : header) size += f.name.size() + 1 + f.value.size() + eol.size();
    std::string out;
    out.reserve(size);
    for (const auto& f : header) {
        out += f.name;
        out += ':';
        out += f.value;
        out += eol;
    }
    out += eol;
    out += body;
    return out;
}

}  // namespace

std::string run_state::delivered() const {
    if (!edited_headers) return std::string(current().raw());
    return serialize(*edited_headers, current().body(), eol());
}

rewritten_message run_state::delivered_message() const {
    auto data = delivered();
    auto body_offset = data.size() - current().body().size();
    return rewritten_message{std::move(data), body_offset};
}

void run_state::rewrite(message_edit edit, const std::vector<edited_field>& header, std::string_view body,
                        const part_map& parts) {
    if (message_edits_.size() >= limits.max_actions)
        throw runtime_error{"too many replace/enclose actions (limit " + std::to_string(limits.max_actions) +
                            ")"};
    auto raw = serialize(header, body, eol());
    if (raw.size() > limits.max_rewritten_message_size)
        throw runtime_error{"the new message would be " + std::to_string(raw.size()) +
                            " octets, more than the " + std::to_string(limits.max_rewritten_message_size) +
                            " allowed"};
    // RFC 5703 §6: enclose does not change what a redirect forwards.
    if (edit.what == message_edit::kind::enclose && !redirect_message_) {
        redirect_message_ = delivered_message();
    }
    std::vector<std::pair<std::string, unsigned>> locked;
    std::unordered_map<std::string, unsigned> seen;
    for (const auto& f : header) {
        auto key = mail::ascii_lower(f.name);
        unsigned n = ++seen[key];
        if (f.locked) locked.emplace_back(std::move(key), n);
    }
    auto next = std::make_unique<mail::message>(mail::message::parse(std::move(raw), message.limits()));
    for (auto& slot : slots_)
        if (slot) slot->message_replaced(*this, current(), *next, parts);
    rewritten_ =
        std::move(next);  // the old message (if one of ours) goes only now: the loops pointed into it
    locked_ = std::move(locked);
    edited_headers.reset();
    size_delta = 0;
    edit.after_header_edits = header_edits.size();
    message_edits_.push_back(edit);
}

void run_state::forget_message_changes() {
    for (auto& slot : slots_)
        if (slot) slot->message_forgotten();
    edited_headers.reset();
    size_delta = 0;
    header_edits.clear();
    rewritten_.reset();
    message_edits_.clear();
    redirect_message_.reset();
    locked_.clear();
}

void run_state::reset_result() {
    actions_.clear();
    implicit_keep_ = true;
    redirects_ = 0;
}

result run_state::finish(const runtime_error* failure, std::uint64_t executed) {
    result r;
    r.instructions = executed;
    for (const auto& d : message.known_defects())
        r.defects.push_back({std::string(mail::name(d.kind)), d.detail});
    if (failure) {
        r.status = failure->lookup_failed ? run_status::lookup_failed : run_status::runtime_error;
        unsigned at = pc > 0 && pc - 1 < prog.lines.size() ? prog.lines[pc - 1] : 0;
        r.errors.push_back("line " + std::to_string(at) + ": " + failure->message);
        // The operator must hear of a lookup that failed; a script's own
        // error is the script author's, in the result.
        if (failure->lookup_failed) host.log(log_level::error, "lookup failed: " + r.errors.back());
        actions_.clear();
        implicit_keep_ = true;
    }
    r.actions = std::move(actions_);
    if (!failure) r.header_edits = std::move(header_edits);
    if (!failure && !message_edits_.empty()) {
        r.message = delivered_message();
        r.message_edits = std::move(message_edits_);
        r.redirect_message = std::move(redirect_message_);
    }
    // The implicit keep files with the internal flags (RFC 5232 §3), but
    // not after a runtime error: then the message is kept as it came.
    if (implicit_keep_) {
        pending = {};
        auto flags = failure ? std::vector<std::string>{} : current_flags();
        r.actions.push_back(
            keep_action{.mailbox = std::string(inbox), .flags = std::move(flags), .implicit = true});
    }
    for (auto& slot : slots_)
        if (slot) slot->finish(*this, r, failure);
    return r;
}

}  // namespace sift::vm
