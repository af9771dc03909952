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
#include <cstring>
#include <functional>

namespace sift::vm {

run_state::run_state(const program& p, const mail::message& msg, const envelope& env,
                     const run_options& options)
    : message(msg),
      env(env),
      options(options),
      limits(options.limits),
      host(options.host ? *options.host : default_host()),
      prog_(&p),
      current_(&msg) {}

std::int64_t run_state::now() const {
    return std::chrono::duration_cast<std::chrono::seconds>(host.now().time_since_epoch()).count();
}

run_state::~run_state() {
    const std::byte* arena = arena_.data();
    for (auto* slot : slots_) {
        if (!slot) continue;
        const auto* at = reinterpret_cast<const std::byte*>(slot);
        if (std::less_equal<>()(arena, at) && std::less<>()(at, arena + arena_.size()))
            slot->~run_slot();
        else
            delete slot;
    }
}

std::size_t run_state::next_slot_id() {
    static std::atomic<std::size_t> next{0};
    return next++;
}

std::string_view run_state::expanded(std::uint64_t id, std::string& buffer) const {
    const auto& source = prog_->strings[id];
    buffer.clear();
    // The references' values are the extension's that provides them.
    if (const auto* refs = prog_->tables ? prog_->tables->templates : nullptr) {
        refs->expand(*this, source, prog_->templates[id], buffer);
        return buffer;
    }
    for (const auto& part : prog_->templates[id])
        if (part.what == template_part::kind::literal) buffer.append(source, part.offset, part.length);
    return buffer;
}

namespace {

// A-Z to a-z, branch-free so that the compiler vectorises it.
void fold_ascii(std::string& s) {
    for (auto& c : s) c = char(c + (static_cast<unsigned char>(c - 'A') < 26 ? 32 : 0));
}

}  // namespace

// :is under the VM's own comparators (a header's value or a string against
// one word or a short list): octet for octet, or i;ascii-casemap's
// equality eight octets a step (mail::iequals is exactly it), a key of
// another length passed over without a call (most keys of a list, the
// freemail domains and the like).
bool run_state::own_any_key_is(std::string_view value, std::uint64_t keys, comparator cmp) {
    for (auto k : prog_->lists[keys]) {
        auto key = text(k, key_buffer_);
        if (key.size() != value.size()) continue;
        if (cmp == comparator::ascii_casemap ? mail::iequals(value, key) : value == key) return true;
    }
    return false;
}

bool run_state::own_any_key(std::string_view value, std::uint64_t keys, const match_spec& spec) {
    // The run's: a key's expansion lives only until the next key's, and
    // nothing any_key calls comes back into it (no string made per call).
    auto& key_buffer = key_buffer_;
    // i;ascii-casemap :contains of several keys in a long value (a policy's
    // phrase list over a message's text): the value is folded once and each
    // folded key found with glibc's memmem (two-way, vectorised),
    // instead of a folded comparison at every offset for every key.
    if (spec.type == match_type::contains && spec.cmp == comparator::ascii_casemap && !spec.cmp_ops &&
        value.size() >= 256 && prog_->lists[keys].size() > 1) {
        std::string folded(value), key;
        fold_ascii(folded);
        for (auto k : prog_->lists[keys]) {
            key = text(k, key_buffer);
            fold_ascii(key);
            if (key.empty() || ::memmem(folded.data(), folded.size(), key.data(), key.size())) return true;
        }
        return false;
    }
    bool capture = spec.type == match_type::matches && captures_wanted(spec);
    // :matches keys of the VM's own comparators that are "*" or "*" and a
    // literal tail, as told when the program was linked: matched here,
    // without the calls down to glob_match and its look at the pattern.
    bool shaped = spec.type == match_type::matches && !spec.cmp_ops &&
                  prog_->glob_shapes.size() == prog_->strings.size();
    auto& captures = captures_;  // glob_match clears it; its capacity stays for the run
    for (auto k : prog_->lists[keys]) {
        auto key = text(k, key_buffer);
        if (shaped && prog_->glob_shapes[k] != glob_shape::other) {
            std::size_t at = 0;
            if (!star_match(value, key, prog_->glob_shapes[k], spec.cmp, at)) continue;
            if (capture) {
                captures.assign(1, span{0, at});
                captured(value, span{0, value.size()}, captures);
            }
            return true;
        }
        if (!capture) {
            if (matches(value, key, spec)) return true;
        } else if (glob_match(value, key, spec.cmp, &captures, spec.cmp_ops)) {
            captured(value, span{0, value.size()}, captures);
            return true;
        }
    }
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

// The mailbox a keep or fileinto files into, else nullptr.
const std::string* filed_into(const action& a) {
    if (const auto* k = std::get_if<keep_action>(&a)) return &k->mailbox;
    if (const auto* f = std::get_if<fileinto_action>(&a)) return &f->mailbox;
    return nullptr;
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

// Loops by position: a hook may make another slot (slots_ then grows).
bool run_state::complete(action& a) {
    bool cancels = true;
    for (std::size_t i = 0; i < slots_.size(); ++i)
        if (slots_[i]) slots_[i]->complete_action(*this, a, cancels);
    take_prefixes();
    return cancels;
}

void run_state::take_prefixes() {
    if (hold_prefixes_) return;
    for (std::size_t i = 0; i < slots_.size(); ++i)
        if (slots_[i]) slots_[i]->drop_prefixes();
}

void run_state::push(action&& a, bool cancels_implicit_keep) {
    for (std::size_t i = 0; i < slots_.size(); ++i)
        if (slots_[i]) slots_[i]->adding(*this, a);
    if (actions_.size() >= limits.max_actions)
        throw runtime_error{"too many actions (limit " + std::to_string(limits.max_actions) + ")"};
    if (cancels_implicit_keep) implicit_keep_ = false;
    std::visit([&](auto& x) { x.script = script_; }, a);
    actions_.push_back(std::move(a));
}

// RFC 5228 §2.10.3: a second keep/fileinto into a mailbox already filed
// into is not filed twice.
void run_state::file(action&& a, bool cancels_implicit_keep) {
    const auto& mailbox = *filed_into(a);
    auto it = std::find_if(actions_.begin(), actions_.end(), [&](const action& other) {
        const auto* box = filed_into(other);
        return box && same_mailbox(*box, mailbox);
    });
    if (it == actions_.end()) return push(std::move(a), cancels_implicit_keep);
    for (std::size_t i = 0; i < slots_.size(); ++i)
        if (slots_[i]) slots_[i]->merged(a, *it);
}

void run_state::keep(unsigned line) {
    action a = keep_action{.mailbox = std::string(inbox), .line = line};
    complete(a);
    implicit_keep_ = false;
    file(std::move(a), true);
}

void run_state::fileinto(std::string_view mailbox, unsigned line) {
    action a = fileinto_action{.mailbox = std::string(mailbox), .line = line};
    bool cancels = complete(a);
    if (cancels) implicit_keep_ = false;
    file(std::move(a), cancels);
}

void run_state::redirect(std::string_view address, unsigned line) {
    action a = redirect_action{.address = std::string(address), .line = line};
    bool cancels = complete(a);
    if (cancels) implicit_keep_ = false;
    bool seen = std::any_of(actions_.begin(), actions_.end(), [&](const action& other) {
        const auto* r = std::get_if<redirect_action>(&other);
        return r && same_address(r->address, address);
    });
    if (seen) return;
    if (++redirects_ > limits.max_redirects)
        throw runtime_error{"too many redirect actions (limit " + std::to_string(limits.max_redirects) + ")"};
    push(std::move(a), cancels);
}

void run_state::discard(unsigned line) {
    implicit_keep_ = false;
    if (std::any_of(actions_.begin(), actions_.end(),
                    [](const action& a) { return std::holds_alternative<discard_action>(a); }))
        return;
    push(discard_action{.line = line}, true);
}

std::string_view run_state::eol() const {
    return mail::eol_of(current().raw());
}

void run_state::change_message(const mail::message& next, const part_map& parts) {
    // By position: a hook may make another slot.
    for (std::size_t i = 0; i < slots_.size(); ++i)
        if (slots_[i]) slots_[i]->message_replaced(*this, current(), next, parts);
    current_ = &next;
    header_view_ = nullptr;
}

void run_state::forget_message_changes() {
    current_ = &message;
    header_view_ = nullptr;
    for (auto* slot : slots_)
        if (slot) slot->message_forgotten();
}

void run_state::reset_result() {
    actions_.clear();
    implicit_keep_ = true;
    redirects_ = 0;
    script_first_action_ = 0;
}

void run_state::next_script(const program& next) {
    take_prefixes();
    for (std::size_t i = 0; i < slots_.size(); ++i)
        if (slots_[i]) slots_[i]->script_ending(*this);
    prog_ = &next;
    ++script_;
    script_first_action_ = actions_.size();
    pc = 0;
    flag = false;
    for (std::size_t i = 0; i < slots_.size(); ++i)
        if (slots_[i]) slots_[i]->script_starting(*this);
}

result run_state::finish(const runtime_error* failure, std::uint64_t executed) {
    result r;
    r.instructions = executed;
    for (const auto& d : message.known_defects())
        r.defects.push_back({std::string(mail::name(d.kind)), d.detail});
    if (failure) {
        r.status = failure->lookup_failed ? run_status::lookup_failed : run_status::runtime_error;
        unsigned at = pc > 0 && pc - 1 < prog_->lines.size() ? prog_->lines[pc - 1] : 0;
        // In a sequence, which script failed, too.
        std::string where = in_sequence() ? prog_->name + ": " : std::string();
        r.errors.push_back(where + "line " + std::to_string(at) + ": " + failure->message);
        // The operator must hear of a lookup that failed; a script's own
        // error is the script author's, in the result.
        if (failure->lookup_failed) host.log(log_level::error, "lookup failed: " + r.errors.back());
        actions_.resize(script_first_action_);
        implicit_keep_ = true;
    }
    r.actions = std::move(actions_);
    // The slots complete the implicit keep (complete_action), but not after
    // a runtime error: then the message is kept as it came (§2.10.6).
    if (implicit_keep_) {
        take_prefixes();
        action keep = keep_action{.mailbox = std::string(inbox), .implicit = true, .script = script_};
        bool cancels = false;
        if (!failure)
            for (std::size_t i = 0; i < slots_.size(); ++i)
                if (slots_[i]) slots_[i]->complete_action(*this, keep, cancels);
        r.actions.push_back(std::move(keep));
    }
    for (auto& slot : slots_)
        if (slot) slot->finish(*this, r, failure);
    return r;
}

}  // namespace sift::vm
