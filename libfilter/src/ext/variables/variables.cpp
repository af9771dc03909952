// RFC 5229: variables. `set` with its modifiers (§4), the `string` test
// (§5), and references "${name}" / "${0}".."${9}" in strings (§3), which
// the VM expands (vm/strings.hpp). Namespaces "${ns.name}" exist only when
// a required capability provides them.
#include "ext/variables/variables.hpp"
#include "compile/emitter.hpp"
#include "ext/enotify/mailto.hpp"
#include "ext/extension.hpp"
#include "ext/regex/regex.hpp"
#include "ext/relational/relational.hpp"
#include "validate/registry.hpp"
#include "vm/exec.hpp"
#include "vm/run_state.hpp"
#include "vm/strings.hpp"

#include <boost/container/small_vector.hpp>

#include <algorithm>
#include <optional>
#include <span>

namespace sift::ext {
using namespace validate;

namespace {

// Modifier flags, bit per modifier; the set_var operand (named in its
// opcodes.def row) and extract_text's.
enum modifier : std::uint32_t {
    lower = vm::flag(vm::opcode::set_var, "lower"),
    upper = vm::flag(vm::opcode::set_var, "upper"),
    lowerfirst = vm::flag(vm::opcode::set_var, "lowerfirst"),
    upperfirst = vm::flag(vm::opcode::set_var, "upperfirst"),
    quotewildcard = vm::flag(vm::opcode::set_var, "quotewildcard"),
    length = vm::flag(vm::opcode::set_var, "length"),
    quoteregex = vm::flag(vm::opcode::set_var, "quoteregex"),
    encodeurl = vm::flag(vm::opcode::set_var, "encodeurl")
};
static_assert(vm::info(vm::opcode::extract_text).flags == vm::info(vm::opcode::set_var).flags,
              "extract_text takes set_var's modifiers (modifier_flags)");

struct modifier_def {
    std::string_view tag;
    std::string_view group;  // one modifier per precedence level (§4.1)
    modifier bit;
    std::string_view capability = "variables";
};

constexpr modifier_def modifiers[] = {
    {"lower", "case modifier (precedence 40)", lower},
    {"upper", "case modifier (precedence 40)", upper},
    {"lowerfirst", "first-letter modifier (precedence 30)", lowerfirst},
    {"upperfirst", "first-letter modifier (precedence 30)", upperfirst},
    {"quotewildcard", "quoting modifier (precedence 20)", quotewildcard},
    {"quoteregex", "quoting modifier (precedence 20)", quoteregex, "regex"},  // draft-ietf-sieve-regex-01 §4
    {"encodeurl", "encodeurl modifier (precedence 15)", encodeurl, "enotify"},  // RFC 5435 §6
    {"length", "length modifier (precedence 10)", length},
};

// RFC 5229 §3: variable-name = identifier *("." identifier), identifier =
// (ALPHA / "_") *(ALPHA / DIGIT / "_").
bool identifier(std::string_view name) {
    bool start = true;
    for (char ch : name) {
        bool alpha = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_';
        if (ch == '.' && !start) {
            start = true;
        } else if (alpha || (!start && ch >= '0' && ch <= '9')) {
            start = false;
        } else {
            return false;
        }
    }
    return !start;
}

// Checks every reference in a literal: a dotted name needs a namespace that
// a required capability provides.
void check_literal(checker& c, parse::ast::string_lit& lit) {
    for (const auto& ref : vm::find_references(lit.value)) {
        auto dot = ref.name.find('.');
        if (dot != std::string_view::npos && !c.namespace_known(ref.name.substr(0, dot)))
            c.error(lit.pos, "unknown variable namespace '" + std::string(ref.name.substr(0, dot)) +
                                 "' in '${" + std::string(ref.name) + "}'");
    }
}

// set [MODIFIER] <name: string> <value: string>
void check_set(checker& c, const binding& b) {
    const auto& name = b.list_arg(0).items.front();
    auto dot = name.value.find('.');
    if (vm::is_number(name.value))
        c.error(name.pos, "cannot assign to match variable '" + std::string(name.value) + "'");
    else if (!identifier(name.value))
        c.error(name.pos, "invalid variable name '" + std::string(name.value) + "'");
    else if (dot != std::string::npos && !c.namespace_known(name.value.substr(0, dot)))
        c.error(name.pos, "unknown variable namespace '" + std::string(name.value.substr(0, dot)) + "' in '" +
                              std::string(name.value) + "'");
}

void emit_set(compile::emitter& e, const binding& b) {
    e.emit(vm::opcode::set_var, {e.variable(b.string_arg(0)), e.string(b.string_arg(1)), modifier_flags(b)});
}

// A run's variables (§3): the value of each slot the program numbered
// (program::slot_count), and the match variables ${0}.. as the last
// successful :matches, :regex or :list set them (§3.2).
// The variables and match variables of one script: in a sequence
// (vm::run_state::next_script) the next script starts with none, RFC 5229
// §3 scoping them to their script.
// Room for the default policy's variables and match variables in the slot
// itself (the run's slot arena): a run of it allocates neither vector.
struct variables_state final : vm::run_slot {
    boost::container::small_vector<std::string, 16> values;
    boost::container::small_vector<std::string, 4> matched;
    std::uint32_t script = 0;  // run_state::script() they belong to

    bool current(const vm::run_state& s) const { return script == s.script(); }
};

// The variables of another script are dropped: these are the running one's.
[[gnu::noinline]] void take_for_script(variables_state& v, const vm::run_state& s) {
    v.values.clear();
    v.matched.clear();
    v.script = s.script();
}

// The running script's variables, emptied first if they are another's.
// Small enough to be inlined into every set and capture (a call was a
// fifth of a `set`).
variables_state& own_state(vm::run_state& s) {
    auto& v = s.slot<variables_state>();
    if (!v.current(s)) [[unlikely]]
        take_for_script(v, s);
    return v;
}

// The running script's variables for reading: null when there are none
// yet or they are another script's (every reference then reads ""). This
// and piece() are inlined into both their callers, expand() and
// lone_reference() (as calls they cost about 0.8M over the bench corpus).
[[gnu::always_inline]] inline const variables_state* readable_state(const vm::run_state& s) {
    const auto* v = s.find_slot<variables_state>();
    return v && v->current(s) ? v : nullptr;
}

// The text of one part: a literal's offset and length were made from the
// string itself when the program was linked, so no bounds check.
[[gnu::always_inline]] inline std::string_view piece(const variables_state* v, std::string_view source,
                                                     const vm::template_part& part) {
    switch (part.what) {
        case vm::template_part::kind::literal:
            return {source.data() + part.offset, part.length};
        case vm::template_part::kind::variable:
            if (v && part.index < v->values.size()) return v->values[part.index];
            break;
        case vm::template_part::kind::match:
            if (v && part.index < v->matched.size()) return v->matched[part.index];
            break;
    }
    return {};
}

void expand(const vm::run_state& s, std::string_view source, std::span<const vm::template_part> parts,
            std::string& out) {
    const auto* v = readable_state(s);
    // Most templates are one reference ("${1}", "${spam_folder}"): one
    // assign, without the loop's appends.
    if (parts.size() == 1 && out.empty()) {
        out.assign(piece(v, source, parts.front()));
        return;
    }
    for (const auto& part : parts) out.append(piece(v, source, part));
}

// §3.2: the match variables are what the last successful match captured;
// a test that fails leaves them as they were (the VM calls this only on
// success). Numbers from vm::max_match_values on are not kept.
void captured(vm::run_state& s, std::string_view value, vm::span whole, std::span<const vm::span> groups) {
    auto& matched = own_state(s).matched;
    matched.resize(std::min(groups.size() + 1, vm::max_match_values));
    matched[0].assign(value.substr(whole.offset, whole.length));
    for (std::size_t i = 1; i < matched.size(); ++i)
        matched[i].assign(value.substr(groups[i - 1].offset, groups[i - 1].length));
}

constexpr vm::template_ops template_values{.expand = expand, .captured = captured};

// String `id` when it is one reference alone ("${1}", "${name}": a
// policy's every set of a captured value, its string tests of a flag):
// the value expand() would append, read where it is instead of copied
// into a buffer first (a view of the variable, valid while the variables
// stay as they are); nullopt for any other string. `named_only`: not a
// match variable (a match that captures changes those).
std::optional<std::string_view> lone_reference(const vm::run_state& s, std::uint64_t id, bool named_only) {
    const auto& p = s.prog();
    if (!p.is_template[id] || !p.tables || p.tables->templates != &template_values) return std::nullopt;
    const auto& parts = p.templates[id];
    if (parts.size() != 1 || parts[0].what == vm::template_part::kind::literal) return std::nullopt;
    if (named_only && parts[0].what != vm::template_part::kind::variable) return std::nullopt;
    return piece(readable_state(s), {}, parts[0]);  // a reference: no literal text to read
}

}  // namespace

std::string& variable(vm::run_state& s, std::uint32_t slot) {
    auto& values = own_state(s).values;
    if (values.size() < s.prog().slot_count) values.resize(s.prog().slot_count);
    return values[slot];  // below slot_count: the loader checked every slot operand
}

std::vector<std::string_view> modifier_tags() {
    std::vector<std::string_view> tags;
    for (const auto& m : modifiers) tags.push_back(m.tag);
    return tags;
}

std::uint64_t modifier_flags(const binding& b) {
    std::uint64_t flags = 0;
    for (const auto& m : modifiers)
        if (b.has_tag(m.tag)) flags |= m.bit;
    return flags;
}

bool valid_variable_name(std::string_view name) {
    return identifier(name);
}

std::string_view variable_value(const vm::run_state& s, std::uint32_t slot) {
    const auto* v = s.find_slot<variables_state>();
    return v && v->current(s) && slot < v->values.size() ? std::string_view(v->values[slot])
                                                         : std::string_view();
}

void register_variables(registry& r) {
    r.add(capability_def{.name = "variables",
                         .literal = check_literal,
                         .ihave_allowed = false,
                         .templates = &template_values});
    for (const auto& m : modifiers) r.add(tag_def{m.tag, m.group, std::nullopt, m.capability, 0});
    r.add(command_def{.name = "set",
                      .capability = "variables",
                      .positional = {arg_kind::string, arg_kind::string},
                      .tags = modifier_tags(),
                      .check = check_set,
                      .emit = emit_set});
    // string [MATCH-TYPE] [COMPARATOR] <source: string-list> <key-list: string-list>
    r.add(command_def{.name = "string",
                      .is_test = true,
                      .capability = "variables",
                      .positional = {arg_kind::string_list, arg_kind::string_list},
                      .tags = {"comparator", "match-type"},
                      .emit = [](compile::emitter& e, const binding& b) {
                          e.emit(vm::opcode::test_string, {std::uint64_t(b.match.cmp), vm::pack(b.match),
                                                           e.list(b.list_arg(0)), e.list(b.list_arg(1))});
                      }});
}

}  // namespace sift::ext

namespace sift::vm {
namespace {

char ascii_lower(char c) {
    return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c;
}
char ascii_upper(char c) {
    return c >= 'a' && c <= 'z' ? char(c - 'a' + 'A') : c;
}

std::size_t utf8_length(std::string_view s) {
    std::size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
}

// Cuts at most `limit` bytes without splitting a UTF-8 sequence.
void truncate_utf8(std::string& s, std::size_t limit) {
    if (s.size() <= limit) return;
    std::size_t cut = limit;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
    s.resize(cut);
}

// RFC 5229 §4.1: modifiers apply from the highest precedence down.
std::string apply_modifiers(std::string value, std::uint64_t flags) {
    using ext::modifier;
    if (flags & ext::lower)
        for (auto& c : value) c = ascii_lower(c);
    if (flags & ext::upper)
        for (auto& c : value) c = ascii_upper(c);
    if (!value.empty() && (flags & ext::lowerfirst)) value[0] = ascii_lower(value[0]);
    if (!value.empty() && (flags & ext::upperfirst)) value[0] = ascii_upper(value[0]);
    if (flags & ext::quotewildcard) {
        std::string quoted;
        for (char c : value) {
            if (c == '*' || c == '?' || c == '\\') quoted += '\\';
            quoted += c;
        }
        value = std::move(quoted);
    }
    if (flags & ext::quoteregex) value = ext::quote_regex(value);
    if (flags & ext::encodeurl) value = ext::encode_url(value);
    if (flags & ext::length) value = std::to_string(utf8_length(value));
    return value;
}

}  // namespace

}  // namespace sift::vm

namespace sift::ext {

namespace {

// A value cut at the size limit must not end inside an escape a quoting
// modifier made: half a "\\*" or "%2F" would change what it means (as
// Pigeonhole also cuts).
void drop_broken_escape(std::string& value, std::uint64_t modifiers) {
    if (modifiers & (quotewildcard | quoteregex)) {
        std::size_t backslashes = 0;
        while (backslashes < value.size() && value[value.size() - 1 - backslashes] == '\\') ++backslashes;
        if (backslashes % 2) value.pop_back();
    }
    if (modifiers & encodeurl) {
        auto percent = value.rfind('%');
        if (percent != std::string::npos && percent + 3 > value.size()) value.resize(percent);
        // Nor inside the escapes of one UTF-8 character ("%C3%A4").
        auto byte_at = [&](std::size_t at) { return std::stoi(value.substr(at + 1, 2), nullptr, 16); };
        std::size_t at = value.size(), continuation = 0;
        while (at >= 3 && value[at - 3] == '%' && (byte_at(at - 3) & 0xC0) == 0x80) at -= 3, ++continuation;
        if (at >= 3 && value[at - 3] == '%') {
            int lead = byte_at(at - 3);
            std::size_t need = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : lead >= 0xC0 ? 1 : 0;
            if (need > continuation) value.resize(at - 3);
        }
    }
}

// Cut to eval_limits::max_variable_size, without a broken escape. Out of
// line: the plain set's inlined path only tests the size.
[[gnu::noinline]] void cut_to_limit(const vm::run_state& s, std::string& value, std::uint64_t modifiers) {
    bool cut = value.size() > s.limits.max_variable_size;
    vm::truncate_utf8(value, s.limits.max_variable_size);
    if (cut) drop_broken_escape(value, modifiers);
}

}  // namespace

void assign_variable(vm::run_state& s, std::uint64_t slot, std::string value, std::uint64_t modifiers) {
    value = vm::apply_modifiers(std::move(value), modifiers);
    cut_to_limit(s, value, modifiers);
    variable(s, std::uint32_t(slot)) = std::move(value);
}

namespace {

// A set without modifiers, most of them, into `v`, a variable() the caller
// holds (`value` may be a view of it or of another variable): inlined into
// exec_set_var (the call was about a third of a set's own cost), the cut
// out of line.
[[gnu::always_inline]] inline void assign_plain(const vm::run_state& s, std::string& v,
                                                std::string_view value) {
    v.assign(value);
    if (v.size() > s.limits.max_variable_size) [[unlikely]]
        cut_to_limit(s, v, 0);
}

}  // namespace

void assign_variable(vm::run_state& s, std::uint64_t slot, std::string_view value) {
    assign_plain(s, variable(s, std::uint32_t(slot)), value);
}

}  // namespace sift::ext

namespace sift::vm {

void exec_set_var(run_state& s, const instruction& ins) {
    std::string buffer;
    if (ins.arg[2] == 0) {  // most sets: no modifiers
        // The target is made first (that may move the other variables), then
        // a lone reference read in place: assign copies from itself too.
        auto& target = ext::variable(s, std::uint32_t(ins.arg[0]));
        auto lone = ext::lone_reference(s, ins.arg[1], false);
        ext::assign_plain(s, target, lone ? *lone : s.text(ins.arg[1], buffer));
        return;
    }
    ext::assign_variable(s, ins.arg[0], std::string(s.text(ins.arg[1], buffer)), ins.arg[2]);
}

void exec_test_string(run_state& s, const instruction& ins) {
    auto spec = s.match_spec_of(ins.arg[1], ins.arg[0]);
    std::string buffer;
    s.flag = false;
    for (auto source : s.list(ins.arg[2])) {
        // A lone named variable read in place: nothing any_key calls sets one.
        auto lone = ext::lone_reference(s, source, true);
        auto value = lone ? *lone : s.text(source, buffer);
        if (spec.type == ext::match_count && value.empty()) continue;  // §5: only non-empty strings count
        if (s.any_key(value, ins.arg[3], spec)) {
            s.flag = true;
            return;
        }
    }
    if (spec.type == ext::match_count) s.flag = ext::count_matches(s, ins.arg[3], spec);
}

}  // namespace sift::vm

namespace sift::ext {
extern const descriptor variables_extension{.name = "variables", .add = register_variables};

}  // namespace sift::ext
