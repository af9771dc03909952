// sift::script: the pipeline source -> parse -> validate -> compile, and
// bytecode load/save, behind the public API.
#include "api/compile.hpp"
#include "api/internal.hpp"
#include "ext/extension.hpp"
#include "validate/registry.hpp"
#include "vm/exec.hpp"
#include "vm/program.hpp"

#include "mail/message.hpp"

#include <sift/script.hpp>
#include <sift/sequence.hpp>

#include <stdexcept>

#include <map>

namespace sift {

script::script() = default;
script::~script() = default;
script::script(const script&) = default;
script& script::operator=(const script&) = default;
script::script(script&&) noexcept = default;
script& script::operator=(script&&) noexcept = default;

script script::compile(std::string_view source, std::string name, compile_limits limits) {
    return compile(source, std::move(name), limits, nullptr);
}

script script::compile(std::string_view source, std::string name, compile_limits limits,
                       const script_source* scripts) {
    auto c = api::compile(source, std::move(name), validate::registry::standard(), limits, scripts);
    script s;
    s.program_ = std::move(c.program);
    s.errors_ = std::move(c.errors);
    s.warnings_ = std::move(c.warnings);
    return s;
}

script script::load(std::string_view bytecode, std::string name) {
    auto c = api::load(bytecode, std::move(name), validate::registry::standard());
    script s;
    s.program_ = std::move(c.program);
    s.errors_ = std::move(c.errors);
    return s;
}

bool script::ok() const {
    return program_ != nullptr;
}
const std::vector<diagnostic>& script::errors() const {
    return errors_;
}
const std::vector<diagnostic>& script::warnings() const {
    return warnings_;
}
std::string script::save() const {
    return program_ ? vm::serialize(*program_) : std::string();
}
std::string script::dump() const {
    return program_ ? vm::disassemble(*program_) : std::string();
}
std::vector<std::string> script::capabilities() const {
    return program_ ? program_->capabilities : std::vector<std::string>{};
}
namespace {

// Each capability's descriptor::services: every descriptor registered alone
// says which capabilities are its own.
const std::map<std::string, std::uint32_t, std::less<>>& services_by_capability() {
    static const auto table = [] {
        std::map<std::string, std::uint32_t, std::less<>> t;
        for (const ext::descriptor* d : ext::extensions()) {
            validate::registry own;
            d->add(own);
            for (const auto& c : own.capabilities()) t[std::string(c.name)] |= d->services;
        }
        return t;
    }();
    return table;
}

}  // namespace

std::vector<service> script::services() const {
    if (!program_) return {};
    const auto& table = services_by_capability();
    const auto& reg = validate::registry::standard();
    std::uint32_t bits = 0;
    for (const auto& required : program_->capabilities) {
        // What a capability brings along counts too (vacation-seconds: vacation).
        std::string_view cap = required;
        for (int hops = 0; hops < 8 && !cap.empty(); ++hops) {
            if (auto it = table.find(cap); it != table.end()) bits |= it->second;
            const auto* def = reg.capability(cap);
            cap = def ? def->implies : std::string_view{};
        }
    }
    std::vector<service> out;
    for (service s : all_services)
        if (bits & ext::needs(s)) out.push_back(s);
    return out;
}

needs script::needs() const {
    switch (program_ ? program_->needs() : vm::need::none) {
        case vm::need::none:
        case vm::need::envelope:
            return needs::envelope;
        case vm::need::headers:
            return needs::headers;
        case vm::need::body:
            return needs::body;
    }
    return needs::body;
}

namespace {

action implicit_keep() {
    return keep_action{.implicit = true};
}

// The verdict of a run that failed: the policy's for its kind of failure.
// A failed run's actions are the implicit keep alone, so a kept one
// delivers to INBOX (result::folders()).
verdict failed_verdict(const result& r, const failure_policy& policy) {
    bool lookup = r.status == run_status::lookup_failed;
    auto mode = lookup ? policy.on_lookup_failure : policy.on_runtime_error;
    if (mode == failure_mode::keep) return {};
    return {.what = verdict::kind::tempfail,
            .smtp_code = 451,
            .enhanced_code = "4.3.0",
            .text = (lookup ? "lookup failed: " : "script failed: ") +
                    (r.errors.empty() ? "" : r.errors.front())};
}

// See the table at sift::verdict. The folders and redirects are not copied
// out: result::folders() and redirects() read them from the actions.
verdict decide(const result& r, const failure_policy& policy) {
    if (!r.ok()) return failed_verdict(r, policy);
    bool discarded = false, delivers = false;
    for (const auto& a : r.actions) {
        switch (kind(a)) {
            case action_kind::keep:
            case action_kind::fileinto:
            case action_kind::redirect:
                delivers = true;
                break;
            case action_kind::discard:
                discarded = true;
                break;
            case action_kind::reject:
            case action_kind::ereject: {
                // RFC 5429 §2.1.1: 550 5.7.1 with the script's reason, unless
                // the script chose the codes (vnd.sift.replycode); a reject
                // never stands beside a delivery (run_state::add).
                const auto& refusal = std::get<reject_action>(a);
                bool chosen = refusal.smtp_code != 0;
                return {.what = verdict::kind::refuse,
                        .smtp_code = chosen ? refusal.smtp_code : 550,
                        .enhanced_code = chosen ? refusal.enhanced_code : "5.7.1",
                        .text = refusal.reason};
            }
            case action_kind::vacation:
            case action_kind::notify:
                break;  // they leave the verdict alone
        }
    }
    return {.what = !delivers && discarded ? verdict::kind::discard : verdict::kind::deliver};
}

}  // namespace

// The options of a run given none: built once, not per run (they hold
// some thirty strings, which cost a short run's worth of instructions to
// make and destroy).
const run_options& default_run_options() {
    static const run_options defaults{};
    return defaults;
}

result script::run(const message& msg, const envelope& env) const {
    return run_for(nullptr, msg, env, default_run_options());
}

result script::run(const message& msg, const envelope& env, const run_options& options) const {
    return run_for(nullptr, msg, env, options);
}

result script::run(const session& client, const message& msg, const envelope& env) const {
    return run_for(&client, msg, env, default_run_options());
}

result script::run(const session& client, const message& msg, const envelope& env,
                   const run_options& options) const {
    return run_for(&client, msg, env, options);
}

result script::run_for(const session* client, const message& msg, const envelope& env,
                       const run_options& options) const {
    auto failed = [](std::string why) {
        result r;
        r.status = run_status::runtime_error;
        r.errors.push_back(std::move(why));
        r.actions.push_back(implicit_keep());
        return r;
    };
    // One result, built in place (it is large: moving it costs as much as
    // a short run).
    auto run = [&]() -> result {
        if (!program_) return failed("script did not compile");
        try {
            return vm::run(*program_, internal::model(msg), env, options, nullptr, client);
        } catch (const std::exception& e) {
            // Never lose mail to an internal failure: keep it, say why.
            return failed(std::string("internal error: ") + e.what());
        }
    };
    result r = run();
    r.verdict = decide(r, options.failures);
    return r;
}

sequence::sequence(std::vector<script> scripts) {
    for (auto& s : scripts) add(std::move(s));
}

void sequence::add(script s) {
    if (!internal::program(s)) throw std::invalid_argument("a sequence takes compiled scripts only");
    scripts_.push_back(std::move(s));
}

result sequence::run(const message& msg, const envelope& env) const {
    return run_for(nullptr, msg, env, default_run_options());
}

result sequence::run(const message& msg, const envelope& env, const run_options& options) const {
    return run_for(nullptr, msg, env, options);
}

result sequence::run(const session& client, const message& msg, const envelope& env,
                     const run_options& options) const {
    return run_for(&client, msg, env, options);
}

result sequence::run_for(const session* client, const message& msg, const envelope& env,
                         const run_options& options) const {
    result r;
    try {
        if (scripts_.empty()) {
            r.actions.push_back(implicit_keep());
        } else {
            std::vector<const vm::program*> programs;
            programs.reserve(scripts_.size());
            for (const auto& s : scripts_) programs.push_back(internal::program(s));
            r = vm::run(programs, internal::model(msg), env, options, nullptr, client);
        }
    } catch (const std::exception& e) {
        // Never lose mail to an internal failure: keep it, say why.
        r = result{};
        r.status = run_status::runtime_error;
        r.errors.push_back(std::string("internal error: ") + e.what());
        r.actions.push_back(implicit_keep());
    }
    r.verdict = decide(r, options.failures);
    return r;
}

bool is_bytecode(std::string_view bytes) {
    return bytes.substr(0, vm::bytecode_magic.size()) == vm::bytecode_magic;
}

std::string_view name(action_kind k) {
    switch (k) {
        case action_kind::keep:
            return "keep";
        case action_kind::fileinto:
            return "fileinto";
        case action_kind::redirect:
            return "redirect";
        case action_kind::discard:
            return "discard";
        case action_kind::reject:
            return "reject";
        case action_kind::ereject:
            return "ereject";
        case action_kind::vacation:
            return "vacation";
        case action_kind::notify:
            return "notify";
    }
    return "unknown";
}

std::string_view name(verdict::kind k) {
    switch (k) {
        case verdict::kind::deliver:
            return "deliver";
        case verdict::kind::refuse:
            return "refuse";
        case verdict::kind::tempfail:
            return "tempfail";
        case verdict::kind::discard:
            return "discard";
    }
    return "unknown";
}

bool result::discarded() const {
    bool dropped = false;
    for (const auto& a : actions) {
        if (std::holds_alternative<discard_action>(a)) dropped = true;
        if (std::holds_alternative<keep_action>(a) || std::holds_alternative<fileinto_action>(a) ||
            std::holds_alternative<redirect_action>(a))
            return false;
    }
    return dropped;
}

action_kind kind(const action& a) {
    if (const auto* r = std::get_if<reject_action>(&a))
        return r->extended ? action_kind::ereject : action_kind::reject;
    // The other alternatives are in action_kind's order, reject's place
    // (and ereject's) taken by reject_action.
    constexpr action_kind by_index[] = {action_kind::keep,    action_kind::fileinto, action_kind::redirect,
                                        action_kind::discard, action_kind::reject,   action_kind::vacation,
                                        action_kind::notify};
    static_assert(std::size(by_index) == std::variant_size_v<action>);
    return by_index[a.index()];
}

std::string_view name(const action& a) {
    return name(kind(a));
}

unsigned line(const action& a) {
    return std::visit([](const auto& x) { return x.line; }, a);
}

}  // namespace sift
