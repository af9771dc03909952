// The extension registry: every command, test, tagged argument, comparator,
// match type and address part Sift knows, with the capability that enables
// it. Each capability registers its entries from its own folder under ext/;
// the validator and compiler only read this table.
#pragma once

#include "parse/ast.hpp"
#include "vm/match.hpp"

#include <sift/options.hpp>

#include <boost/container/small_vector.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sift::compile {
class emitter;
}

namespace sift::validate {

enum class arg_kind : std::uint8_t { string, string_list, number };

// Where a definition's capability is in registry::capabilities(), so the
// validator asks "is it required?" with a bit test rather than by name.
// Kept up to date by the registry (whichever is added first); extensions
// leave it alone.
using capability_id = std::uint16_t;
inline constexpr capability_id core_capability = 0xFFFF;     // always available (empty name)
inline constexpr capability_id unknown_capability = 0xFFFE;  // named, not (yet) registered
std::string_view describe(arg_kind k);

// Tags that select one of several alternatives share a group: at most one
// tag per group may be given ("match-type", "comparator", "address-part").
struct binding;
class checker;
// Checks (and may complete) a binding that uses a tag, after the command's
// own check: e.g. :count/:value store their relational operator, :regex
// compiles its constant keys.
using tag_check_fn = void (*)(checker&, binding&);

struct tag_def {
    std::string_view name{};              // without ':'
    std::string_view group{};             // empty for a free-standing tag
    std::optional<arg_kind> parameter{};  // value that must follow the tag
    std::string_view capability{};        // empty: always available
    std::uint8_t value = 0;               // id of the comparator/match type/part
    tag_check_fn check = nullptr;
    // Emitted before the command that carries the tag: a prefix that
    // modifies the next action (":copy", ":flags"). Declared below.
    void (*emit)(compile::emitter&, const binding&) = nullptr;
    capability_id capability_index = core_capability;  // set by the registry
    // A match type or address part an extension adds (`value` is its id):
    // its operations, which the programs run (vm/match.hpp).
    const vm::match_type_ops* match_type = nullptr;
    const vm::address_part_ops* address_part = nullptr;
};

// Validation beyond the signature (constant addresses, mailbox names...).
using check_fn = void (*)(checker&, const binding&);
// Emits the instruction(s) of a command, or of a test setting the flag.
using emit_fn = void (*)(compile::emitter&, const binding&);

enum class control : std::uint8_t { none, require, if_, elsif, else_, allof, anyof, not_, ihave };
enum class tests_arity : std::uint8_t { none, one, list };

struct command_def {
    std::string_view name{};
    bool is_test = false;
    std::string_view capability{};  // empty: core language
    std::vector<arg_kind> positional{};
    std::vector<std::string_view> tags{};             // tag names or group names accepted
    std::vector<std::string_view> required_groups{};  // e.g. size's :over/:under
    tests_arity tests = tests_arity::none;
    bool block = false;  // takes a { } block (if/elsif/else)
    control kind = control::none;
    check_fn check = nullptr;
    emit_fn emit = nullptr;
    // A non-control command with a block (a host's `test "name" { ... }`):
    // the compiler emits `emit`, the block, then `emit_end`; commands inside
    // may jump past `emit_end` to emitter::block_exit().
    emit_fn emit_end = nullptr;
    // The first positional argument may be left out (hasflag's variable
    // list, setflag's variable name): then one fewer is given.
    bool first_optional = false;
    // The last positional argument may be left out (deleteheader's value
    // patterns).
    bool last_optional = false;
    capability_id capability_index = core_capability;  // set by the registry
};

struct comparator_def {
    std::string_view name{};
    vm::comparator id{};
    std::string_view capability{};
    bool substring = true;                             // supports :contains / :matches
    capability_id capability_index = core_capability;  // set by the registry
    const vm::comparator_ops* ops = nullptr;           // an extension's comparator
};

// A capability named in `require`. `literal` sees every string literal of
// a script that requires it, to rewrite it (encoded-character) or check it
// (variables), reporting through the checker.
using literal_fn = void (*)(checker&, parse::ast::string_lit& literal);

struct capability_def {
    std::string_view name{};
    literal_fn literal = nullptr;
    std::string_view variable_namespace{};  // "${NS.name}" namespace it provides, if any
    // RFC 5463 §4: capabilities that change how a script is read cannot be
    // discovered with ihave (encoded-character, variables).
    bool ihave_allowed = true;
    // A capability that requiring this one brings along (vacation-seconds
    // extends vacation: RFC 6131, as Pigeonhole reads it).
    std::string_view implies{};
    // What gives templates their values in a run and keeps what matches
    // captured (RFC 5229's variables; vm::template_ops). One capability of
    // a registry provides it.
    const vm::template_ops* templates = nullptr;
};

class registry {
public:
    void add(capability_def def);
    void add(command_def def);
    // Lets an extension's tag be used on another capability's command
    // (":copy" on fileinto and redirect, ":flags" on keep), whether the
    // command and the tag are registered already or later: extensions
    // register in any order. `tag` is a tag name or group; `capability` is
    // the one defining it, since several may define a tag of one name
    // (":index" of RFC 5260 on header, not editheader's own; ":mime" of
    // RFC 5703 on header, not vacation's).
    void allow_tag(std::string_view command, std::string_view tag, std::string_view capability);
    void add(tag_def def);
    void add(comparator_def def);

    const capability_def* capability(std::string_view name) const;
    const command_def* command(std::string_view name, bool is_test) const;
    const tag_def* tag(std::string_view name) const;
    // The tag `name` as `command` takes it, or null when it takes no tag
    // of that name: when several capabilities define a tag of that name
    // (":index" of RFC 5260 and of a host), the one `command` accepts,
    // preferring its own capability's.
    const tag_def* tag(std::string_view name, const command_def& command) const;
    const comparator_def* comparator(std::string_view name) const;
    const std::vector<capability_def>& capabilities() const { return capabilities_; }
    // The operations of the comparators, match types and address parts the
    // extensions added, by id; programs compiled or loaded with this
    // registry link to it (so it must outlive them).
    const vm::match_tables& tables() const { return tables_; }
    // Every command and test, and every tag, in registration order (the
    // validator's "did you mean" searches them).
    const std::vector<command_def>& commands() const { return commands_; }
    const std::vector<tag_def>& tags() const { return tags_; }
    static constexpr std::size_t max_capabilities = 256;

    // The registry with every capability Sift ships, built once from the
    // extension descriptors (defined in api/extensions.cpp).
    static const registry& standard();

private:
    std::vector<capability_def> capabilities_;
    std::vector<command_def> commands_;
    std::vector<tag_def> tags_;
    std::vector<comparator_def> comparators_;
    struct allowance {
        std::string_view command, tag, capability;
    };
    std::vector<allowance> allowed_tags_;
    vm::match_tables tables_;
    // Name -> positions in the vectors above, kept up to date by add(): a
    // script compile looks names up many times (names are string literals
    // of the extensions, so the views stay valid). An open-addressing table
    // with the entries of one name chained in registration order.
    class name_index {
    public:
        static constexpr std::uint32_t none = ~std::uint32_t(0);
        void add(std::string_view name, std::uint32_t entry);
        std::uint32_t first(std::string_view name) const;  // none if unknown
        std::uint32_t next(std::uint32_t entry) const { return next_[entry]; }

    private:
        struct slot {
            std::string_view name;
            std::size_t hash = 0;
            std::uint32_t head = none, tail = none;
        };
        slot& find_slot(std::string_view name, std::size_t hash);
        std::vector<slot> slots_;          // a power of two, at most a quarter full
        std::vector<std::uint32_t> next_;  // per entry: the next of the same name
        std::size_t names_ = 0;
    };
    name_index capability_index_, command_index_, tag_index_;
};

// A command or test after validation: its definition and its arguments
// sorted into positional values and tags. Pointers refer into the AST.
struct binding {
    const command_def* def = nullptr;
    parse::ast::position pos;
    // Inline storage: a binding is made per node on every compile.
    boost::container::small_vector<const parse::ast::argument*, 4> positional;
    boost::container::small_vector<std::pair<const tag_def*, const parse::ast::argument*>, 4> tags;
    vm::match_spec match;
    vm::address_part part = vm::address_part::all;
    bool well_formed = false;      // positional arguments match the signature
    std::optional<bool> constant;  // a test whose value is known when compiling (ihave)

    bool has_tag(std::string_view name) const;
    const parse::ast::argument* tag_value(std::string_view name) const;
    std::string_view string_arg(std::size_t i) const;  // positional string
    const parse::ast::string_list& list_arg(std::size_t i) const;
    std::uint64_t number_arg(std::size_t i) const;
};

// Handed to check hooks: reports errors at AST positions.
class checker {
public:
    virtual ~checker() = default;
    virtual void error(const parse::ast::position& at, std::string message) = 0;
    // Something suspicious that does not stop the script from compiling.
    virtual void warning(const parse::ast::position& at, std::string message) = 0;
    virtual bool required(std::string_view capability) const = 0;
    // True when `s` will be expanded at run time (variables are required
    // and it references one), so constant checks do not apply to it.
    virtual bool is_template(std::string_view s) const = 0;
    // True when a required capability provides variable namespace `ns`.
    virtual bool namespace_known(std::string_view ns) const = 0;
    // The block commands (foreverypart, a host's `test`) around the node
    // being checked, outermost first: for break's loop names.
    virtual std::span<const binding> enclosing() const { return {}; }
    // The limits the script is compiled with (policy a check enforces).
    virtual const compile_limits& limits() const = 0;
    // The limits it will run with (compile_limits::run, else the defaults):
    // a check refuses early what every such run would refuse.
    const eval_limits& run_limits() const {
        static const eval_limits defaults{};
        return limits().run ? *limits().run : defaults;
    }
    // A copy of `text` that lives as long as the syntax tree, for a check
    // that rewrites a literal (whose value is a view: ast.hpp).
    virtual std::string_view keep(std::string_view text) = 0;
};

}  // namespace sift::validate
