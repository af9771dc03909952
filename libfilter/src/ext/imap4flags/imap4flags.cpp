// RFC 5232: imap4flags. setflag / addflag / removeflag [<variablename>]
// <list-of-flags>, the hasflag test, and the :flags tag on keep and
// fileinto. Without a variable name the commands work on an internal
// variable (a reserved slot, vm::program::internal_flags_name) whose value
// keep, fileinto and the implicit keep store with the message: the run
// slot flags_state completes those actions (vm::run_slot::complete_action).
//
// A flag list is a string list whose strings may each hold several
// space-separated flags; flags compare case-insensitively and are kept
// once each.
#include "ext/imap4flags/imap4flags.hpp"

#include "compile/emitter.hpp"
#include "ext/extension.hpp"
#include "ext/relational/relational.hpp"
#include "ext/variables/variables.hpp"
#include "validate/registry.hpp"
#include "vm/exec.hpp"
#include "vm/strings.hpp"

#include <algorithm>
#include <string>
#include <vector>

namespace sift::ext {
using namespace validate;

namespace {

void check_variable_name(checker& c, const binding& b) {
    if (b.positional.size() < 2) return;
    const auto& name = b.list_arg(0).items.front();
    auto refs = vm::find_references("${" + std::string(name.value) + "}");
    if (refs.size() != 1 || vm::is_number(name.value) || name.value.find('.') != std::string::npos)
        c.error(name.pos, "invalid variable name '" + std::string(name.value) + "'");
    else if (!c.required("variables"))
        c.error(name.pos, "a flag variable needs the \"variables\" capability (require \"variables\";)");
}

// The variable slot a flag command works on, and its flag list.
template <vm::opcode Op>
void emit_flag_command(compile::emitter& e, const binding& b) {
    bool named = b.positional.size() == 2;
    auto slot = e.variable(named ? b.string_arg(0) : vm::program::internal_flags_name);
    e.emit(Op, {slot, e.list(b.list_arg(named ? 1 : 0))});
}

void emit_hasflag(compile::emitter& e, const binding& b) {
    bool named = b.positional.size() == 2;
    parse::ast::string_list variables;
    if (named) variables = b.list_arg(0);
    // The names as the program knows them (an included script's own, RFC 6609);
    // `scoped` holds the text the list's items view.
    std::vector<std::string> scoped;
    scoped.reserve(variables.items.size());
    for (auto& v : variables.items) e.variable(v.value = scoped.emplace_back(e.scoped_variable(v.value)));
    if (!named) e.variable(vm::program::internal_flags_name);
    e.emit(vm::opcode::test_hasflag, {std::uint64_t(b.match.cmp), vm::pack(b.match), e.list(variables),
                                      e.list(b.list_arg(named ? 1 : 0))});
}

}  // namespace

void register_imap4flags(registry& r) {
    r.add(capability_def{"imap4flags"});
    const std::vector<arg_kind> name_and_flags{arg_kind::string, arg_kind::string_list};
    r.add(command_def{.name = "setflag",
                      .capability = "imap4flags",
                      .positional = name_and_flags,
                      .check = check_variable_name,
                      .emit = emit_flag_command<vm::opcode::flags_set>,
                      .first_optional = true});
    r.add(command_def{.name = "addflag",
                      .capability = "imap4flags",
                      .positional = name_and_flags,
                      .check = check_variable_name,
                      .emit = emit_flag_command<vm::opcode::flags_add>,
                      .first_optional = true});
    r.add(command_def{.name = "removeflag",
                      .capability = "imap4flags",
                      .positional = name_and_flags,
                      .check = check_variable_name,
                      .emit = emit_flag_command<vm::opcode::flags_remove>,
                      .first_optional = true});
    r.add(command_def{.name = "hasflag",
                      .is_test = true,
                      .capability = "imap4flags",
                      .positional = {arg_kind::string_list, arg_kind::string_list},
                      .tags = {"comparator", "match-type"},
                      .emit = emit_hasflag,
                      .first_optional = true});
    r.add(tag_def{.name = "flags",
                  .parameter = arg_kind::string_list,
                  .capability = "imap4flags",
                  .emit = [](compile::emitter& e, const binding& b) {
                      e.emit(vm::opcode::mod_flags,
                             {e.list(std::get<parse::ast::string_list>(*b.tag_value("flags")))});
                  }});
    r.allow_tag("keep", "flags", "imap4flags");
    r.allow_tag("fileinto", "flags", "imap4flags");
}

}  // namespace sift::ext

namespace sift::ext {
namespace {

// The internal variable's text: the flags separated by spaces.
std::string join_flags(const std::vector<std::string>& flags) {
    std::string out;
    for (const auto& f : flags) out += (out.empty() ? "" : " ") + f;
    return out;
}

// The flags of a keep or fileinto, else nullptr.
std::vector<std::string>* filing_flags(action& a) {
    if (auto* k = std::get_if<keep_action>(&a)) return &k->flags;
    if (auto* f = std::get_if<fileinto_action>(&a)) return &f->flags;
    return nullptr;
}

// Made by every command of the extension, so it is there whenever the
// internal variable may hold flags.
struct flags_state final : vm::run_slot {
    std::optional<std::vector<std::string>> prefix;  // :flags of the next keep/fileinto
    // In a sequence, the internal flags the scripts before this one left
    // (Pigeonhole carries them from sieve_before to the user's script and
    // on): the next script's internal variable starts with them, and a
    // script without imap4flags files with them.
    std::optional<std::vector<std::string>> carried;

    void script_ending(vm::run_state& s) override { carried = internal_flags(s); }
    void script_starting(vm::run_state& s) override {
        if (s.prog().internal_flags_slot && carried)
            ext::variable(s, *s.prog().internal_flags_slot) = join_flags(*carried);
    }

    // A keep or fileinto stores its :flags, else the internal variable's.
    void complete_action(vm::run_state& s, action& a, bool&) override {
        if (auto* flags = filing_flags(a)) *flags = prefix ? *prefix : internal_flags(s);
    }
    void drop_prefixes() override { prefix.reset(); }
    // RFC 5228 §2.10.3: the message is filed once, with the flags of the
    // last of the actions (RFC 5232 leaves it open; Pigeonhole's rule,
    // which lets a later :flags correct an earlier one).
    void merged(action& later, action& earlier) override {
        auto* from = filing_flags(later);
        auto* into = filing_flags(earlier);
        if (from && into) *into = std::move(*from);
    }
};

}  // namespace

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

std::optional<std::vector<std::string>> flags_prefix(const vm::run_state& s) {
    const auto* state = s.find_slot<flags_state>();
    return state ? state->prefix : std::nullopt;
}

std::vector<std::string> internal_flags(const vm::run_state& s) {
    if (!s.prog().internal_flags_slot) {
        const auto* state = s.find_slot<flags_state>();
        return state && state->carried ? *state->carried : std::vector<std::string>{};
    }
    return split_flags(ext::variable_value(s, *s.prog().internal_flags_slot));
}

}  // namespace sift::ext

namespace sift::vm {
namespace {

using ext::split_flags;

bool same_flag(std::string_view a, std::string_view b) {
    return equal(a, b, comparator::ascii_casemap);
}

// Every flag named by the strings of list `id`, each once.
std::vector<std::string> flags_of(run_state& s, std::uint64_t id) {
    std::vector<std::string> out;
    std::string buffer;
    for (auto item : s.list(id)) {
        for (auto& flag : split_flags(s.text(item, buffer)))
            if (std::none_of(out.begin(), out.end(), [&](auto& f) { return same_flag(f, flag); }))
                out.push_back(std::move(flag));
    }
    return out;
}

std::string join(const std::vector<std::string>& flags) {
    return ext::join_flags(flags);
}

}  // namespace

void exec_flags_set(run_state& s, const instruction& ins) {
    s.slot<ext::flags_state>();
    ext::variable(s, std::uint32_t(ins.arg[0])) = join(flags_of(s, ins.arg[1]));
}

void exec_flags_add(run_state& s, const instruction& ins) {
    s.slot<ext::flags_state>();
    auto flags = split_flags(ext::variable(s, std::uint32_t(ins.arg[0])));
    for (auto& f : flags_of(s, ins.arg[1]))
        if (std::none_of(flags.begin(), flags.end(), [&](auto& g) { return same_flag(f, g); }))
            flags.push_back(f);
    ext::variable(s, std::uint32_t(ins.arg[0])) = join(flags);
}

void exec_flags_remove(run_state& s, const instruction& ins) {
    s.slot<ext::flags_state>();
    auto flags = split_flags(ext::variable(s, std::uint32_t(ins.arg[0])));
    auto gone = flags_of(s, ins.arg[1]);
    std::erase_if(flags, [&](auto& f) {
        return std::any_of(gone.begin(), gone.end(), [&](auto& g) { return same_flag(f, g); });
    });
    ext::variable(s, std::uint32_t(ins.arg[0])) = join(flags);
}

// RFC 5232 §4: every flag of the variables (each once) against every flag
// the keys name (a key may hold several); :count counts the distinct flags.
void exec_test_hasflag(run_state& s, const instruction& ins) {
    auto spec = s.match_spec_of(ins.arg[1], ins.arg[0]);
    std::vector<std::uint32_t> slots;
    std::string buffer;
    for (auto name : s.list(ins.arg[2])) {
        auto key = variable_key(s.text(name, buffer));
        auto it = std::find(s.prog().variables.begin(), s.prog().variables.end(), key);
        slots.push_back(std::uint32_t(it - s.prog().variables.begin()));  // emitted, so present
    }
    if (slots.empty() && s.prog().internal_flags_slot) slots.push_back(*s.prog().internal_flags_slot);
    std::vector<std::string> flags;
    for (auto slot : slots)
        for (auto& f : split_flags(ext::variable_value(s, slot)))
            if (std::none_of(flags.begin(), flags.end(), [&](auto& g) { return same_flag(f, g); }))
                flags.push_back(std::move(f));
    if (spec.type == ext::match_count) {
        s.flag = ext::count_holds(s, flags.size(), ins.arg[3], spec);
        return;
    }
    auto keys = flags_of(s, ins.arg[3]);
    s.flag = std::any_of(flags.begin(), flags.end(), [&](const std::string& f) {
        return std::any_of(keys.begin(), keys.end(),
                           [&](const std::string& k) { return matches(f, k, spec); });
    });
}

void exec_mod_flags(run_state& s, const instruction& ins) {
    s.slot<ext::flags_state>().prefix = flags_of(s, ins.arg[0]);
}

}  // namespace sift::vm

namespace sift::ext {

void set_internal_flags(vm::run_state& s, const std::vector<std::string>& flags) {
    if (!s.prog().internal_flags_slot) return;
    s.slot<flags_state>();
    ext::variable(s, *s.prog().internal_flags_slot) = vm::join(flags);
}

}  // namespace sift::ext

namespace sift::ext {
extern const descriptor imap4flags_extension{.name = "imap4flags", .add = register_imap4flags};

}  // namespace sift::ext
