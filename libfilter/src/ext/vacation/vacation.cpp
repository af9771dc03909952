// RFC 5230 (vacation), with RFC 6131's :seconds (ext/vacation_seconds):
//   vacation [":days" number | ":seconds" number] [":subject" string]
//            [":from" string] [":addresses" string-list] [":mime"]
//            [":handle" string] <reason: string>
// Compile time: a constant :from and every :addresses entry must be one
// valid address, a constant reason valid UTF-8 and, with :mime, a MIME
// entity. Run time: at most one vacation per run (a second is a runtime
// error, as in Pigeonhole); it conflicts with reject/ereject
// (vm/run_state.cpp); it leaves the implicit keep alone (§4.7). Whether a
// reply is sent follows §4.5 and RFC 3834 (ext/vacation/reply.cpp); one
// reply per sender, recipient and handle per period (§4.2) is remembered
// with put_if_absent in the host's state store (docs/STORE.md). The result
// always carries the vacation action; `outgoing` holds the reply, or is
// empty and `reason` says why no reply is sent.
#include "ext/vacation/reply.hpp"

#include "compile/emitter.hpp"
#include "ext/core/core.hpp"
#include "ext/extension.hpp"
#include "ext/fcc/fcc.hpp"
#include "ext/state.hpp"
#include "ext/utf8.hpp"
#include "mail/address.hpp"
#include "mail/encode.hpp"
#include "mail/message.hpp"
#include "validate/registry.hpp"
#include "vm/exec.hpp"

namespace sift::ext {
using namespace validate;

namespace {

void check_vacation(checker& c, const binding& b) {
    const auto& reason = b.list_arg(0).items.front();
    if (!c.is_template(reason.value)) {
        if (!valid_utf8(reason.value))
            c.error(reason.pos, "vacation reason is not valid UTF-8");
        else if (b.has_tag("mime") && !mail::is_mime_entity(reason.value))
            // A warning, as Pigeonhole compiles such scripts; running it is
            // a runtime error (no malformed reply is sent, the message is kept).
            c.warning(reason.pos,
                      "vacation :mime reason is not a MIME entity (Content- header fields, an empty "
                      "line, the body): the vacation action will fail");
    }
    core::check_utf8_tag(c, b, "subject");
    if (const auto* from = core::tag_string(b, "from");
        from && !c.is_template(from->value) && !mail::single_mailbox(from->value))
        c.error(from->pos, "vacation :from \"" + std::string(from->value) + "\" is not a valid address");
    if (const auto* list = b.tag_value("addresses"))
        for (const auto& a : std::get<parse::ast::string_list>(*list).items)
            if (!c.is_template(a.value) && !mail::single_mailbox(a.value))
                c.error(a.pos,
                        "vacation :addresses entry \"" + std::string(a.value) + "\" is not a valid address");
}

void emit_vacation(compile::emitter& e, const binding& b) {
    using namespace vacation;
    std::uint64_t bits = 0, period = 0;
    if (const auto* v = b.tag_value("days"))
        bits |= days_bit, period = std::get<parse::ast::number>(*v).value;
    if (const auto* v = b.tag_value("seconds"))
        bits |= seconds_bit, period = std::get<parse::ast::number>(*v).value;
    if (b.has_tag("mime")) bits |= mime_bit;
    auto text = [&](std::string_view tag, std::uint64_t bit) {
        const auto* s = core::tag_string(b, tag);
        if (s) bits |= bit;
        return e.string(s ? std::string_view(s->value) : std::string_view());
    };
    auto subject = text("subject", subject_bit);
    auto from = text("from", from_bit);
    auto handle = text("handle", handle_bit);
    const auto* addresses = b.tag_value("addresses");
    auto list = e.list(addresses ? std::get<parse::ast::string_list>(*addresses) : parse::ast::string_list{});
    e.emit(vm::opcode::mod_vacation, {bits, period, subject, from, list});
    e.emit(vm::opcode::act_vacation, {handle, e.string(b.string_arg(0))});
}

}  // namespace

void register_vacation(registry& r) {
    r.add(capability_def{"vacation"});
    r.add(tag_def{
        .name = "days", .group = "vacation period", .parameter = arg_kind::number, .capability = "vacation"});
    for (auto name : {"subject", "from", "handle"})
        r.add(tag_def{.name = name, .parameter = arg_kind::string, .capability = "vacation"});
    r.add(tag_def{.name = "addresses", .parameter = arg_kind::string_list, .capability = "vacation"});
    r.add(tag_def{.name = "mime", .capability = "vacation"});
    r.add(command_def{.name = "vacation",
                      .capability = "vacation",
                      .positional = {arg_kind::string},
                      .tags = {"vacation period", "subject", "from", "addresses", "mime", "handle"},
                      .check = check_vacation,
                      .emit = emit_vacation});
}

}  // namespace sift::ext

namespace sift::vm {

namespace {

// mod_vacation: act_vacation's other operands (they do not fit in one
// instruction).
struct vacation_prefix final : run_slot {
    const instruction* options = nullptr;

    void drop_prefixes() override { options = nullptr; }
};

}  // namespace

void exec_mod_vacation(run_state& s, const instruction& ins) {
    s.slot<vacation_prefix>().options = &ins;
}

void exec_act_vacation(run_state& s, const instruction& ins) {
    using namespace ext::vacation;
    const auto* prefix = s.find_slot<vacation_prefix>();
    const instruction* opts = prefix ? prefix->options : nullptr;
    auto fcc = ext::pending_fcc(s);  // RFC 8580: a copy of the reply, if asked
    s.take_prefixes();
    if (!opts) throw runtime_error{"vacation without its options (malformed bytecode)"};
    for (const auto& a : s.actions())
        if (const auto* v = std::get_if<vacation_action>(&a))
            throw runtime_error{"duplicate vacation action (the first is at line " + std::to_string(v->line) +
                                ")"};

    std::string buffer;
    request req;
    auto bits = opts->arg[0];
    if (bits & days_bit) req.days = opts->arg[1];
    if (bits & seconds_bit) req.seconds = opts->arg[1];
    req.mime = bits & mime_bit;
    if (bits & subject_bit) req.subject = std::string(s.text(opts->arg[2], buffer));
    if (bits & from_bit) req.from = std::string(s.text(opts->arg[3], buffer));
    for (auto id : s.list(opts->arg[4])) req.addresses.emplace_back(s.text(id, buffer));
    if (bits & handle_bit) req.handle = std::string(s.text(ins.arg[0], buffer));
    req.reason = std::string(s.text(ins.arg[1], buffer));
    // Values from variables are checked now, as constants were when compiling.
    if (req.from && !mail::single_mailbox(*req.from))
        throw runtime_error{"vacation :from \"" + *req.from + "\" is not a valid address"};
    if (req.mime && !mail::is_mime_entity(req.reason))
        throw runtime_error{"vacation :mime reason is not a MIME entity"};

    auto& store = ext::state_store(s, "vacation");  // fail alike whether or not this message gets a reply
    (void)store;
    const vacation_options& options = s.options.vacation;
    auto sender = mail::parse_path(s.env.from);
    vacation_action a{.recipient = sender && sender->valid ? sender->all() : s.env.from,
                      .body = req.reason,
                      .line = s.line()};

    std::string user_address;
    auto why_not = refusal(s.current(), s.env, req, options, user_address);
    auto p = period(req, options);
    if (!why_not && p.count() > 0) {
        auto rcpt = mail::parse_path(s.env.to);
        auto key = "vacation:" + ext::key_address(rcpt && rcpt->valid ? rcpt->all() : s.env.to) + ":" +
                   ext::key_address(a.recipient) + ":" + handle_hash(req);
        if (!ext::record_once(s, "vacation", key, p))
            why_not = "already replied to <" + a.recipient + "> within the period (" +
                      std::to_string(p.count()) + " s)";
    }
    if (why_not) {
        a.not_sent = *why_not;
        a.subject = req.subject.value_or("");
    } else {
        auto r = build(s.current(), s.env, req, user_address, options, s.host.now());
        a.subject = r.subject;
        auto rcpt = mail::parse_path(s.env.to);
        std::string envelope_from = options.send_from_recipient && rcpt && rcpt->valid ? rcpt->all() : "";
        a.outgoing = outgoing_message{std::move(envelope_from), {a.recipient}, std::move(r.data)};
        a.fcc = std::move(fcc);
    }
    s.add_action(std::move(a), false);  // RFC 5230 §4.7: the implicit keep stays
}

}  // namespace sift::vm

namespace sift::ext {
extern const descriptor vacation_extension{.name = "vacation",
                                           .add = register_vacation,
                                           .services = needs(service::state_store) | needs(service::clock)};

}  // namespace sift::ext
