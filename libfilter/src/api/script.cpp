// sift::script: the pipeline source -> parse -> validate -> compile, and
// bytecode load/save, behind the public API.
#include "api/compile.hpp"
#include "api/internal.hpp"
#include "vm/exec.hpp"
#include "vm/program.hpp"

#include "mail/message.hpp"

#include <sift/script.hpp>

#include <algorithm>

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
    action a;
    a.mailbox = "INBOX";
    a.implicit = true;
    return a;
}

// The verdict of a run that failed: the policy's for its kind of failure.
verdict failed_verdict(const result& r, const failure_policy& policy) {
    bool lookup = r.status == run_status::lookup_failed;
    auto mode = lookup ? policy.on_lookup_failure : policy.on_runtime_error;
    if (mode == failure_mode::keep) return {.folders = {"INBOX"}};
    return {.what = verdict::kind::tempfail,
            .smtp_code = 451,
            .enhanced_code = "4.3.0",
            .text = (lookup ? "lookup failed: " : "script failed: ") +
                    (r.errors.empty() ? "" : r.errors.front())};
}

// See the table at sift::verdict.
verdict decide(const result& r, const failure_policy& policy) {
    if (!r.ok()) return failed_verdict(r, policy);
    verdict v;
    bool discarded = false;
    auto add = [](std::vector<std::string>& to, const std::string& what) {
        if (std::find(to.begin(), to.end(), what) == to.end()) to.push_back(what);
    };
    for (const auto& a : r.actions) {
        switch (a.kind) {
            case action_kind::keep:
            case action_kind::fileinto:
                add(v.folders, a.mailbox);
                break;
            case action_kind::redirect:
                add(v.redirects, a.address);
                break;
            case action_kind::discard:
                discarded = true;
                break;
            case action_kind::reject:
            case action_kind::ereject:
                // RFC 5429 §2.1.1: 550 5.7.1 with the script's reason; a
                // reject never stands beside a delivery (run_state::add).
                return {.what = verdict::kind::refuse,
                        .smtp_code = 550,
                        .enhanced_code = "5.7.1",
                        .text = a.reason};
            case action_kind::vacation:
            case action_kind::notify:
                break;
        }
    }
    if (v.folders.empty() && v.redirects.empty() && discarded) v.what = verdict::kind::discard;
    return v;
}

}  // namespace

result script::run(const message& msg, const envelope& env, const run_options& options) const {
    return run_for(nullptr, msg, env, options);
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
    result r;
    if (!program_) {
        r = failed("script did not compile");
    } else {
        try {
            r = vm::run(*program_, internal::model(msg), env, options, nullptr, client);
        } catch (const std::exception& e) {
            // Never lose mail to an internal failure: keep it, say why.
            r = failed(std::string("internal error: ") + e.what());
        }
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
        if (a.kind == action_kind::discard) dropped = true;
        if (a.kind == action_kind::keep || a.kind == action_kind::fileinto || a.kind == action_kind::redirect)
            return false;
    }
    return dropped;
}

}  // namespace sift
