// vnd.dovecot.testsuite, compile side: signatures as Pigeonhole's
// src/testsuite defines them, each compiled to one call_host (see op).
// The runtime side is host.cpp.
#include "testsuite.hpp"

#include "vendor.hpp"

#include "compile/emitter.hpp"
#include "vm/match.hpp"

#include <deque>

namespace sift::conformance {
using namespace validate;
namespace ast = parse::ast;

namespace {

constexpr std::string_view capability = "vnd.dovecot.testsuite";

std::string& test_path() {
    static std::string path;
    return path;
}

// A string list built from the strings of a binding, in order. Its items
// view the tree's text or `texts`.
struct list_builder {
    ast::string_list list;
    std::deque<std::string> texts;
    list_builder& add(std::string value) {
        list.items.push_back(ast::string_lit{{}, texts.emplace_back(std::move(value)), false});
        return *this;
    }
    list_builder& add(const ast::string_list& l) {
        list.items.insert(list.items.end(), l.items.begin(), l.items.end());
        return *this;
    }
};

void emit_op(compile::emitter& e, op o, const ast::string_list& args = {}, std::uint64_t number = 0,
             vm::match_spec spec = {}) {
    e.emit(vm::opcode::call_host,
           {std::uint64_t(o), e.list(args), number, std::uint64_t(spec.cmp), vm::pack(spec)});
}

// Ops whose arguments are all the positional strings, in order.
template <op O>
void emit_strings(compile::emitter& e, const binding& b) {
    list_builder l;
    for (const auto* arg : b.positional) l.add(std::get<ast::string_list>(*arg));
    emit_op(e, O, l.list);
}

template <op O>
void emit_plain(compile::emitter& e, const binding&) {
    emit_op(e, O);
}

// test_fail ends the enclosing `test` block (or the script, outside one).
void emit_fail(compile::emitter& e, const binding& b) {
    emit_strings<op::fail>(e, b);
    if (auto exit = e.block_exit())
        e.emit_jump(vm::opcode::jump, *exit);
    else
        e.emit(vm::opcode::stop);
}

std::uint64_t index_of(const binding& b) {
    const auto* v = b.tag_value("index");
    return v ? std::get<ast::number>(*v).value : 0;
}

// test_error / test_result_action [MATCH-TYPE] [COMPARATOR] [:index number]
// <key-list>; the comparator defaults to i;octet there.
template <op O>
void emit_match(compile::emitter& e, const binding& b) {
    auto spec = b.match;
    if (!b.has_tag("comparator")) spec.cmp = vm::comparator::octet;
    emit_op(e, O, b.list_arg(0), index_of(b), spec);
}

// test_message ( :smtp / :folder <mailbox> ) <index: number>
void emit_message(compile::emitter& e, const binding& b) {
    list_builder l;
    if (const auto* folder = b.tag_value("folder"))
        l.add("folder").add(std::get<ast::string_list>(*folder));
    else
        l.add("smtp");
    // Bit 32 tells the test (false when there is no such message) from
    // the command (a runtime error then).
    emit_op(e, op::message, l.list, (b.number_arg(0) & 0xFFFFFFFF) | std::uint64_t(b.def->is_test) << 32);
}

void check_message(checker& c, const binding& b) {
    if (b.has_tag("smtp") == b.has_tag("folder"))
        c.error(b.pos, "test_message needs exactly one of :smtp and :folder");
}

void emit_reload(compile::emitter& e, const binding& b) {
    list_builder l;
    if (const auto* ext = b.tag_value("extension")) l.add(std::get<ast::string_list>(*ext));
    emit_op(e, op::config_reload, l.list);
}

void emit_metadata(compile::emitter& e, const binding& b) {
    list_builder l;
    if (const auto* box = b.tag_value("mailbox"))
        l.add(std::get<ast::string_list>(*box));
    else
        l.add("");
    l.add(b.list_arg(0)).add(b.list_arg(1));
    emit_op(e, op::imap_metadata_set, l.list);
}

void rewrite_path(checker& c, ast::string_lit& lit) {
    static constexpr std::string_view ref = "${tst.path}";
    if (lit.value.find(ref) == std::string_view::npos) return;
    std::string value(lit.value);
    for (auto at = value.find(ref); at != std::string::npos; at = value.find(ref, at + test_path().size()))
        value.replace(at, ref.size(), test_path());
    lit.value = c.keep(value);
}

}  // namespace

void set_test_path(std::string path) {
    test_path() = std::move(path);
}

void register_testsuite(registry& r) {
    using enum arg_kind;
    r.add(capability_def{capability, rewrite_path, "tst"});
    r.add(tag_def{"index", "", number, capability, 0});
    r.add(tag_def{"smtp", "test-message-source", std::nullopt, capability, 0});
    r.add(tag_def{"folder", "test-message-source", string, capability, 0});
    r.add(tag_def{"extension", "", string, capability, 0});
    r.add(tag_def{"mailbox", "", string, capability, 0});
    r.add(tag_def{"append_result", "", std::nullopt, capability, 0});

    auto command = [&](std::string_view name, std::vector<arg_kind> args, emit_fn emit) {
        r.add(
            command_def{.name = name, .capability = capability, .positional = std::move(args), .emit = emit});
    };
    auto test = [&](std::string_view name, std::vector<arg_kind> args, emit_fn emit) {
        r.add(command_def{.name = name,
                          .is_test = true,
                          .capability = capability,
                          .positional = std::move(args),
                          .emit = emit});
    };

    // test <name: string> <block>
    r.add(command_def{.name = "test",
                      .capability = capability,
                      .positional = {string},
                      .block = true,
                      .emit = emit_strings<op::test_start>,
                      .emit_end = emit_plain<op::test_finish>});
    command("test_fail", {string}, emit_fail);
    command("test_set", {string, string}, emit_strings<op::set>);
    command("test_config_set", {string, string}, emit_strings<op::config_set>);
    command("test_config_unset", {string}, emit_strings<op::config_unset>);
    r.add(command_def{
        .name = "test_config_reload", .capability = capability, .tags = {"extension"}, .emit = emit_reload});
    command("test_mailbox_create", {string}, emit_strings<op::mailbox_create>);
    command("test_mailbox_delete", {string}, emit_strings<op::mailbox_delete>);
    command("test_result_reset", {}, emit_plain<op::result_reset>);
    command("test_result_print", {}, emit_plain<op::result_print>);
    command("test_binary_save", {string}, emit_strings<op::binary_save>);
    command("test_binary_load", {string}, emit_strings<op::binary_load>);
    r.add(command_def{.name = "test_imap_metadata_set",
                      .capability = capability,
                      .positional = {string, string},
                      .tags = {"mailbox"},
                      .emit = emit_metadata});
    for (bool is_test : {false, true})
        r.add(command_def{.name = "test_message",
                          .is_test = is_test,
                          .capability = capability,
                          .positional = {number},
                          .tags = {"test-message-source"},
                          .check = check_message,
                          .emit = emit_message});

    test("test_script_compile", {string}, emit_strings<op::script_compile>);
    r.add(command_def{.name = "test_script_run",
                      .is_test = true,
                      .capability = capability,
                      .tags = {"append_result"},
                      .emit = [](compile::emitter& e, const binding& b) {
                          emit_op(e, op::script_run, {}, b.has_tag("append_result") ? 1 : 0);
                      }});
    test("test_multiscript", {string_list}, emit_strings<op::multiscript>);
    test("test_result_execute", {}, emit_plain<op::result_execute>);
    for (auto [name, emit] :
         {std::pair<std::string_view, emit_fn>{"test_error", emit_match<op::error>},
          std::pair<std::string_view, emit_fn>{"test_result_action", emit_match<op::result_action>}})
        r.add(command_def{.name = name,
                          .is_test = true,
                          .capability = capability,
                          .positional = {string_list},
                          .tags = {"comparator", "match-type", "index"},
                          .emit = emit});
}

const registry& testsuite_registry() {
    static const registry r = [] {
        registry built = registry::standard();
        register_testsuite(built);
        register_dovecot_vendor(built);
        return built;
    }();
    return r;
}

}  // namespace sift::conformance
