// sift::script: the pipeline source -> parse -> validate -> compile, and
// bytecode load/save, behind the public API.
#include "api/compile.hpp"
#include "vm/exec.hpp"
#include "vm/program.hpp"

#include "mail/message.hpp"

#include <sift/script.hpp>

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
const vm::program* script::program() const {
    return program_.get();
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

result script::run(const message& msg, const envelope& env, const eval_limits& limits,
                   const services* svc) const {
    auto failed = [](std::string why) {
        result r;
        r.status = run_status::runtime_error;
        r.errors.push_back(std::move(why));
        r.actions.push_back(action{action_kind::keep, "INBOX", {}, {}, {}, false, true, 0});
        return r;
    };
    if (!program_) return failed("script did not compile");
    try {
        return vm::run(*program_, msg.impl(), env, limits, nullptr, &msg.connection, svc);
    } catch (const std::exception& e) {
        // Never lose mail to an internal failure: keep it, say why.
        return failed(std::string("internal error: ") + e.what());
    }
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
