// The host hooks: a registry beyond the standard one (api::compile), the
// call_host opcode dispatched to a vm::command_host, command blocks with an end
// hook and an exit label, and a host changing the message mid-run.
#include "api/compile.hpp"
#include "api/internal.hpp"
#include "compile/emitter.hpp"
#include "mail/message.hpp"
#include "test_support.hpp"
#include "vm/exec.hpp"

namespace sift::testing {
namespace {

using validate::arg_kind;
using validate::binding;
using validate::command_def;

enum host_op : std::uint64_t { op_begin, op_end, op_note, op_leave, op_swap };

void emit_op(compile::emitter& e, host_op op, const parse::ast::string_list& args = {}) {
    e.emit(vm::opcode::call_host, {op, e.list(args), 0, 0, 0});
}

// "section NAME { ... }", "note TEXT", "leave" (ends the section),
// "swap RAW" (replaces the message) and the test "noted TEXT".
validate::registry host_registry() {
    auto r = validate::registry::standard();
    r.add(validate::capability_def{"x-host"});
    r.add(command_def{.name = "section",
                      .capability = "x-host",
                      .positional = {arg_kind::string},
                      .block = true,
                      .emit = [](auto& e, const binding& b) { emit_op(e, op_begin, b.list_arg(0)); },
                      .emit_end = [](auto& e, const binding& b) { emit_op(e, op_end, b.list_arg(0)); }});
    r.add(command_def{.name = "note",
                      .capability = "x-host",
                      .positional = {arg_kind::string},
                      .emit = [](auto& e, const binding& b) { emit_op(e, op_note, b.list_arg(0)); }});
    r.add(
        command_def{.name = "leave", .capability = "x-host", .emit = [](compile::emitter& e, const binding&) {
                        emit_op(e, op_leave);
                        if (auto exit = e.block_exit()) e.emit_jump(vm::opcode::jump, *exit);
                    }});
    r.add(command_def{.name = "swap",
                      .capability = "x-host",
                      .positional = {arg_kind::string},
                      .emit = [](auto& e, const binding& b) { emit_op(e, op_swap, b.list_arg(0)); }});
    r.add(command_def{.name = "noted",
                      .is_test = true,
                      .capability = "x-host",
                      .positional = {arg_kind::string},
                      .emit = [](auto& e, const binding& b) { emit_op(e, op_note, b.list_arg(0)); }});
    return r;
}

struct recording_host : vm::command_host {
    std::vector<std::string> log;
    message* msg = nullptr;
    void call(vm::run_state& s, const vm::instruction& ins) override {
        std::string buffer, text;
        for (auto id : s.list(ins.arg[1])) text += s.text(id, buffer);
        static const char* names[] = {"begin", "end", "note", "leave", "swap"};
        log.push_back(std::string(names[ins.arg[0]]) + (text.empty() ? "" : " " + text));
        if (ins.arg[0] == op_swap) internal::model(*msg) = mail::message::parse(text);
        s.flag = true;
    }
};

std::string run_with_host(std::string_view source, std::string raw = sample_message) {
    static const auto reg = host_registry();
    auto c = api::compile(source, "host.sieve", reg);
    EXPECT_TRUE(c.ok()) << (c.errors.empty() ? "" : c.errors.front().message);
    if (!c.ok()) return {};
    recording_host h;
    auto msg = message::from_raw(std::move(raw));
    h.msg = &msg;
    auto env = default_envelope();
    auto r = vm::run(*c.program, internal::model(msg), env, {}, &h);
    std::string out;
    for (const auto& line : h.log) out += line + "; ";
    return out + summary(r);
}

TEST(host, host_commands_need_their_own_registry) {
    EXPECT_FALSE(script::compile("require \"x-host\"; note \"a\";").ok());
    EXPECT_TRUE(api::compile("require \"x-host\"; note \"a\";", "x", host_registry()).ok());
}

TEST(host, block_commands_run_their_block_between_begin_and_end) {
    EXPECT_EQ(run_with_host("require \"x-host\"; section \"s\" { note \"a\"; discard; } note \"b\";"),
              "begin s; note a; end s; note b; discard");
}

TEST(host, leave_jumps_past_the_end_of_the_innermost_block) {
    EXPECT_EQ(run_with_host(
                  "require \"x-host\"; section \"s\" { if true { leave; } note \"no\"; } note \"after\";"),
              "begin s; leave; note after; keep*");
}

TEST(host, host_tests_set_the_flag) {
    EXPECT_EQ(run_with_host("require \"x-host\"; if noted \"t\" { discard; }"), "note t; discard");
}

TEST(host, host_may_replace_the_message_between_instructions) {
    EXPECT_EQ(run_with_host("require \"x-host\"; swap \"Subject: new\r\n\r\n\";"
                            "if header :is \"subject\" \"new\" { discard; }"),
              "swap Subject: new\r\n\r\n; discard");
}

TEST(host, call_host_without_a_host_is_a_runtime_error) {
    auto c = api::compile("require \"x-host\"; note \"a\";", "x", host_registry());
    ASSERT_TRUE(c.ok());
    auto msg = message::from_raw(sample_message);
    auto r = vm::run(*c.program, internal::model(msg), default_envelope(), {});
    EXPECT_FALSE(r.ok());
}

TEST(host, result_can_be_inspected_and_reset) {
    struct resetting_host : vm::command_host {
        std::size_t seen = 0;
        void call(vm::run_state& s, const vm::instruction&) override {
            seen = s.actions().size();
            s.reset_result();
        }
    } h;
    auto c = api::compile("require \"x-host\"; discard; note \"x\";", "x", host_registry());
    ASSERT_TRUE(c.ok());
    auto msg = message::from_raw(sample_message);
    auto r = vm::run(*c.program, internal::model(msg), default_envelope(), {}, &h);
    EXPECT_EQ(h.seen, 1u);
    EXPECT_EQ(summary(r), "keep*");
}

TEST(host, a_tag_name_two_capabilities_define_resolves_per_command) {
    auto r = host_registry();
    r.add(validate::capability_def{"x-other"});
    r.add(validate::tag_def{"level", "", arg_kind::number, "x-other", 0});
    r.add(validate::tag_def{"level", "", arg_kind::string, "x-host", 0});
    r.add(command_def{.name = "ranked",
                      .capability = "x-host",
                      .tags = {"level"},
                      .emit = [](compile::emitter& e, const binding&) { emit_op(e, op_note); }});
    // Only "x-host" is required: the command's own :level (a string) applies.
    EXPECT_TRUE(api::compile("require \"x-host\"; ranked :level \"high\";", "x", r).ok());
}

}  // namespace
}  // namespace sift::testing
