// RFC 7352: duplicate
//   duplicate [":handle" <handle: string>]
//             [":header" <header-name: string> / ":uniqueid" <value: string>]
//             [":seconds" <timeout: number>] [":last"]
// True when the tracked value (the Message-ID, the first :header field, or
// :uniqueid) was recorded within the period for this recipient and handle.
// A message without the field (or an empty value) is no duplicate and is
// not tracked. The value is recorded when the test runs (put_if_absent in
// the host's state store, docs/STORE.md) and erased again if the run then
// fails (§3: tracked only when the script completes); a value first
// recorded earlier in the same run is no duplicate (§3). :last refreshes
// the expiry of a value seen before, so the period counts from the last
// copy. The period is :seconds, capped at sift::duplicate_options::
// max_period, else its default_period; :seconds 0 tracks nothing.
#include "compile/emitter.hpp"
#include "ext/core/core.hpp"
#include "ext/extension.hpp"
#include "ext/state.hpp"
#include "mail/message.hpp"
#include "validate/registry.hpp"
#include "vm/exec.hpp"

#include <sift/store.hpp>

#include <algorithm>

namespace sift::ext {
using namespace validate;

namespace {

// test_duplicate's option bits, named in its opcodes.def row.
enum : std::uint64_t {
    header_bit = vm::flag(vm::opcode::test_duplicate, "header"),
    uniqueid_bit = vm::flag(vm::opcode::test_duplicate, "uniqueid"),
    seconds_bit = vm::flag(vm::opcode::test_duplicate, "seconds"),
    last_bit = vm::flag(vm::opcode::test_duplicate, "last")
};

void check_duplicate(checker& c, const binding& b) {
    if (const auto* h = core::tag_string(b, "header");
        h && !c.is_template(h->value) && !core::valid_header_name(h->value))
        c.error(h->pos, "invalid header name '" + std::string(h->value) + "'");
}

void emit_duplicate(compile::emitter& e, const binding& b) {
    std::uint64_t bits = 0, seconds = 0;
    std::string_view handle, value;
    if (const auto* h = core::tag_string(b, "handle")) handle = h->value;
    if (const auto* h = core::tag_string(b, "header")) bits |= header_bit, value = h->value;
    if (const auto* u = core::tag_string(b, "uniqueid")) bits |= uniqueid_bit, value = u->value;
    if (const auto* v = b.tag_value("seconds"))
        bits |= seconds_bit, seconds = std::get<parse::ast::number>(*v).value;
    if (b.has_tag("last")) bits |= last_bit;
    e.emit(vm::opcode::test_duplicate, {bits, e.string(handle), e.string(value), seconds});
}

}  // namespace

void register_duplicate(registry& r) {
    r.add(capability_def{"duplicate"});
    r.add(tag_def{.name = "handle", .parameter = arg_kind::string, .capability = "duplicate"});
    r.add(tag_def{.name = "header",
                  .group = "duplicate value",
                  .parameter = arg_kind::string,
                  .capability = "duplicate"});
    r.add(tag_def{.name = "uniqueid",
                  .group = "duplicate value",
                  .parameter = arg_kind::string,
                  .capability = "duplicate"});
    r.add(tag_def{.name = "seconds", .parameter = arg_kind::number, .capability = "duplicate"});
    r.add(tag_def{.name = "last", .capability = "duplicate"});
    r.add(command_def{.name = "duplicate",
                      .is_test = true,
                      .capability = "duplicate",
                      .tags = {"handle", "duplicate value", "seconds", "last"},
                      .check = check_duplicate,
                      .emit = emit_duplicate});
}

}  // namespace sift::ext

namespace sift::vm {

void exec_test_duplicate(run_state& s, const instruction& ins) {
    using namespace ext;
    s.flag = false;
    auto& store = state_store(s, "duplicate");
    const auto& options = s.options.duplicate;
    auto bits = ins.arg[0];
    std::string buffer, value;
    if (bits & uniqueid_bit) {
        value = s.text(ins.arg[2], buffer);
    } else {
        auto name = (bits & header_bit) ? std::string(s.text(ins.arg[2], buffer)) : std::string("Message-ID");
        if (const auto* f = s.current().first(name)) value = mail::message::unfold(f->value);
    }
    std::chrono::seconds period = options.default_period;
    if (bits & seconds_bit)
        period = std::chrono::seconds(
            std::min<std::uint64_t>(ins.arg[3], std::uint64_t(options.max_period.count())));
    if (value.empty() || period.count() <= 0) return;

    std::string handle(s.text(ins.arg[1], buffer));
    auto rcpt = mail::parse_path(s.env.to);
    auto key = "duplicate:" + key_address(rcpt && rcpt->valid ? rcpt->all() : s.env.to) + ":" +
               hash_hex(handle + '\n' + value);
    if (created_in_this_run(s, key)) return;
    s.flag = !record_once(s, "duplicate", key, period);
    if (s.flag && (bits & last_bit))
        ask_host("duplicate: state store", [&] { store.put(key, now_text(s), period); });
}

}  // namespace sift::vm

namespace sift::ext {
extern const descriptor duplicate_extension{.name = "duplicate",
                                            .add = register_duplicate,
                                            .services = needs(service::state_store) | needs(service::clock)};

}  // namespace sift::ext
