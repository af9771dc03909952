#include "validate/validator.hpp"

#include "parse/scan.hpp"
#include "source_text.hpp"
#include "validate/suggest.hpp"
#include "vm/strings.hpp"

#include <algorithm>
#include <bitset>
#include <functional>
#include <span>
#include <stdexcept>
#include <tuple>

namespace sift::validate {
namespace ast = parse::ast;

namespace {

std::string quote(std::string_view s) {
    return "'" + std::string(s) + "'";
}

using group_list = boost::container::small_vector<std::string_view, 4>;

const char* node_kind(bool is_test) {
    return is_test ? "test" : "command";
}

class validator final : public checker {
public:
    validator(std::string_view source, const std::string& file, const registry& reg,
              const compile_limits& limits, validated& out)
        : source_(source), file_(file), reg_(reg), limits_(limits), out_(out) {}

    std::vector<diagnostic> run(ast::script& script) {
        script_ = &script;
        out_.capabilities.reserve(4);
        out_.bindings.reserve(64);  // a binding per node: no regrowth for common scripts
        std::size_t first = require_prologue(script.commands);
        apply_transforms(script.commands);
        block(script.commands, first, true);
        // Checks run in passes (literals, then commands); report in source order.
        std::stable_sort(errors_.begin(), errors_.end(), [](const diagnostic& a, const diagnostic& b) {
            return std::tie(a.line, a.column) < std::tie(b.line, b.column);
        });
        return std::move(errors_);
    }

    void error(const ast::position& at, std::string message) override { report(at, std::move(message)); }

    void warning(const ast::position& at, std::string message) override {
        warnings_.push_back(
            make_diagnostic(source_, file_, at.offset, std::move(message), severity::warning));
    }

    bool required(std::string_view capability) const override {
        if (capability.empty()) return true;
        const capability_def* def = reg_.capability(capability);
        return def && required_[std::size_t(def - reg_.capabilities().data())];
    }

    // Whether a definition's capability is required (or it has none), by
    // the index the registry gave it.
    template <class Def>
    bool available(const Def& def) const {
        return def.capability_index == core_capability ||
               (def.capability_index != unknown_capability && required_[def.capability_index]);
    }

private:
    // The error made, or null when past compile_limits::max_errors.
    diagnostic* report(const ast::position& at, std::string message) {
        if (errors_.size() == limits_.max_errors)
            errors_.push_back(
                make_diagnostic(source_, file_, at.offset, "too many errors, validation stopped"));
        if (errors_.size() > limits_.max_errors) return nullptr;
        return &errors_.emplace_back(make_diagnostic(source_, file_, at.offset, std::move(message)));
    }

    // An unknown name's error, with clang's note "did you mean 'NAME'?"
    // when a known name is near enough to be what was meant (`prefix` is
    // the ':' of a tag).
    void unknown(const ast::position& at, std::string message, const nearest_name& near,
                 std::string_view prefix = "") {
        diagnostic* d = report(at, std::move(message));
        if (d && near.best())
            add_note(*d, source_, at.offset,
                     "did you mean '" + std::string(prefix) + std::string(*near.best()) + "'?");
    }

    // RFC 5228 §3.2: require may only appear before any other command.
    std::size_t require_prologue(ast::block& commands) {
        std::size_t i = 0;
        for (; i < commands.size() && commands[i].name == "require"; ++i) {
            auto& cmd = commands[i];
            const command_def* def = reg_.command("require", false);
            binding& b = bind(cmd, def, cmd.args, cmd.tests, cmd.test_list, cmd.has_block);
            if (!b.well_formed) continue;  // e.g. "require 45;": reported by bind()
            for (const auto& cap : b.list_arg(0).items) {
                const capability_def* def = reg_.capability(cap.value);
                if (!def) {
                    nearest_name near(cap.value);
                    for (const auto& known : reg_.capabilities()) near.consider(known.name);
                    unknown(cap.pos, "unknown Sieve capability " + quote(cap.value), near);
                    continue;
                }
                add_required(*def);
                if (const capability_def* implied = reg_.capability(def->implies)) add_required(*implied);
            }
        }
        return i;
    }

    // Records `def` as required (once), in order.
    void add_required(const capability_def& def) {
        auto const id = std::size_t(&def - reg_.capabilities().data());
        if (required_[id]) return;
        required_[id] = true;
        required_defs_.push_back(&def);
        out_.capabilities.emplace_back(def.name);
        if (def.name == "variables") variables_ = true;
    }

    bool is_template(std::string_view s) const override {
        return variables_ && !vm::find_references(s).empty();
    }

    bool namespace_known(std::string_view ns) const override {
        for (const capability_def* def : required_defs_)
            if (!def->variable_namespace.empty() &&
                vm::equal(def->variable_namespace, ns, vm::comparator::ascii_casemap))
                return true;
        return false;
    }

    void apply_transforms(ast::block& commands) {
        for (const capability_def* def : required_defs_)
            if (def->literal) transform(commands, def->literal);
    }

    using transform_fn = literal_fn;
    void transform(ast::block& commands, transform_fn fn) {
        for (auto& cmd : commands) {
            transform_args(cmd.args, fn);
            transform_tests(cmd.tests, fn);
            transform(cmd.body, fn);
        }
    }
    void transform_tests(ast::list<ast::test>& tests, transform_fn fn) {
        for (auto& t : tests) {
            transform_args(t.args, fn);
            transform_tests(t.tests, fn);
        }
    }
    void transform_args(ast::list<ast::argument>& args, transform_fn fn) {
        for (auto& arg : args)
            if (auto* list = std::get_if<ast::string_list>(&arg))
                for (auto& s : list->items) fn(*this, s);
    }

    void block(ast::block& commands, std::size_t first, bool top) {
        const ast::command* previous = nullptr;
        for (std::size_t i = first; i < commands.size(); ++i) {
            command(commands[i], previous, top);
            previous = &commands[i];
        }
    }

    void command(ast::command& cmd, const ast::command* previous, bool top) {
        // Nothing inside an unknown command is looked at: its block may be
        // meant for an extension this implementation lacks.
        const command_def* def = lookup(cmd.pos, cmd.name, false);
        if (!def) return;
        if (def->kind == control::require) {
            error(cmd.pos, top ? "require command must come before any other command"
                               : "require command can only be used at the top level");
        }
        if (def->kind == control::elsif || def->kind == control::else_) {
            bool after_if = previous && (previous->name == "if" || previous->name == "elsif");
            if (!after_if) error(cmd.pos, quote(cmd.name) + " must follow an 'if' or 'elsif' command");
        }
        binding& b = bind(cmd, def, cmd.args, cmd.tests, cmd.test_list, cmd.has_block);
        if (b.well_formed) run_checks(b);
        bool encloses = def->block && def->kind == control::none;
        if (encloses) enclosing_.push_back(b);
        // `b` dies here: the tests below add bindings, which may move it.
        // Tests and blocks the command does not take are not looked into.
        if (def->tests != tests_arity::none)
            for (auto& t : cmd.tests) test(t);
        if (def->block) guarded_block(cmd);
        if (encloses) enclosing_.pop_back();
    }

    std::span<const binding> enclosing() const override { return enclosing_; }
    const compile_limits& limits() const override { return limits_; }
    std::string_view keep(std::string_view text) override { return script_->keep(text); }

    // RFC 5463 §4: after `if ihave [...]` the capabilities count as
    // required, from the block on (as Pigeonhole has it: also after the
    // block); when one is missing the block is never run, so it is not
    // validated (it may use commands this implementation lacks) and the
    // compiler leaves it out.
    void guarded_block(ast::command& cmd) {
        const ast::test* t = cmd.tests.size() == 1 ? &cmd.tests.front() : nullptr;
        const command_def* def = t && t->binding != ast::unbound ? out_.of(*t).def : nullptr;
        if (!def || def->kind != control::ihave || !required("ihave")) {
            block(cmd.body, 0, false);
            return;
        }
        auto caps = ihave_capabilities(*t);
        if (!caps) return;  // a capability is missing: the block never runs
        for (const auto& c : *caps) add_required(*reg_.capability(c));
        block(cmd.body, 0, false);
    }

    // The capabilities an ihave test names when all are supported, else
    // nullopt. Its binding carries the value as a constant.
    std::optional<std::vector<std::string>> ihave_capabilities(const ast::test& t) {
        std::vector<std::string> caps;
        const auto* list = t.args.size() == 1 ? std::get_if<ast::string_list>(&t.args.front()) : nullptr;
        if (!list) return std::nullopt;
        for (const auto& item : list->items) {
            const auto* cap = reg_.capability(item.value);
            if (!cap || !cap->ihave_allowed) return std::nullopt;
            caps.emplace_back(item.value);
        }
        return caps;
    }

    void test(ast::test& t) {
        const command_def* def = lookup(t.pos, t.name, true);
        if (def) {
            binding& b = bind(t, def, t.args, t.tests, t.test_list, false);
            if (def->kind == control::ihave && b.well_formed) b.constant = ihave_capabilities(t).has_value();
            if (b.well_formed) run_checks(b);
            if (def->tests != tests_arity::none)
                for (auto& sub : t.tests) test(sub);
        }
    }

    // The command's check hook, then its tags'.
    void run_checks(binding& b) {
        if (b.def->check) b.def->check(*this, b);
        for (std::size_t i = 0; i < b.tags.size(); ++i)
            if (b.tags[i].first->check) b.tags[i].first->check(*this, b);
    }

    // An unknown name, or one whose capability is not required, is
    // reported at its first use only (as Pigeonhole does): later uses fail
    // silently, the script being refused already. Such a node is not bound.
    const command_def* lookup(const ast::position& at, std::string_view name, bool is_test) {
        const command_def* def = reg_.command(name, is_test);
        if (!def) {
            if (reg_.command(name, !is_test))
                error(at, quote(name) + " is a " + node_kind(!is_test) + ", it cannot be used as a " +
                              node_kind(is_test));
            else if (first_report(name))
                unknown(at, "unknown " + std::string(node_kind(is_test)) + " " + quote(name),
                        nearest_command(name, is_test));
            return nullptr;
        }
        if (!available(*def)) {
            if (first_report(name))
                error(at, std::string(node_kind(is_test)) + " " + quote(name) + " requires the \"" +
                              std::string(def->capability) + "\" capability (require \"" +
                              std::string(def->capability) + "\";)");
            return nullptr;
        }
        return def;
    }

    nearest_name nearest_command(std::string_view name, bool is_test) const {
        nearest_name near(name);
        for (const auto& c : reg_.commands())
            if (c.is_test == is_test) near.consider(c.name);
        return near;
    }

    // The tags `def` takes (whatever capability they need) nearest `name`.
    nearest_name nearest_tag(std::string_view name, const command_def& def) const {
        nearest_name near(name);
        for (const auto& t : reg_.tags())
            if (reg_.tag(t.name, def) == &t) near.consider(t.name);
        return near;
    }

    // False when `key` was reported before; remembers it otherwise. Error
    // path only: the list stays empty for a valid script.
    bool first_report(std::string_view key) {
        if (std::find(reported_.begin(), reported_.end(), key) != reported_.end()) return false;
        reported_.emplace_back(key);
        return true;
    }

    // The node's binding, made in place in out_.bindings: its arguments
    // sorted into positional ones and tags, checked against the signature.
    // Errors are counted as Pigeonhole counts them: at most one for the
    // arguments (tags, then the number of positional arguments, then their
    // types); the tests are checked whatever the arguments gave (a tag
    // without its ':' reads as a test), the block only after both passed.
    template <class Node>
    binding& bind(Node& node, const command_def* def, const ast::list<ast::argument>& args,
                  const ast::list<ast::test>& tests, bool test_list, bool has_block) {
        const ast::position& at = node.pos;
        binding& b = out_.bind(node);
        b.def = def;
        b.pos = at;
        const auto errors_before = errors_.size();
        bool args_ok = bind_arguments(at, *def, args, b);
        args_ok = args_ok && errors_.size() == errors_before;
        b.well_formed = args_ok && b.well_formed;
        bool tests_ok = check_tests(node, *def, args, tests, test_list);
        if (!args_ok || !tests_ok) {
            b.well_formed = false;
            return b;
        }
        if (def->block && !has_block) {
            error(at, quote(def->name) + " requires a block { ... }");
            b.well_formed = false;
        }
        if (!def->block && has_block) {
            error(at,
                  std::string(node_kind(def->is_test)) + " " + quote(def->name) + " does not take a block");
            b.well_formed = false;
        }
        return b;
    }

    // False when the arguments are wrong; an unknown tag reported before
    // for this command makes them wrong without a new error.
    bool bind_arguments(const ast::position& at, const command_def& def, const ast::list<ast::argument>& args,
                        binding& b) {
        group_list groups_seen;
        const comparator_def* cmp = nullptr;
        for (std::size_t i = 0; i < args.size(); ++i) {
            const auto* tag = std::get_if<ast::tag>(&args[i]);
            if (!tag) {
                b.positional.push_back(&args[i]);
                continue;
            }
            const tag_def* t = accept_tag(def, *tag, groups_seen);
            if (!t) return false;
            if (!b.positional.empty()) {
                error(tag->pos, "tag :" + std::string(tag->name) +
                                    " must come before the positional arguments of " + quote(def.name));
                return false;
            }
            const ast::argument* value = nullptr;
            if (t->parameter) {
                if (i + 1 >= args.size() || !fits(args[i + 1], *t->parameter)) {
                    error(tag->pos, "tag :" + std::string(tag->name) + " of " + node_kind(def.is_test) + " " +
                                        quote(def.name) + " expects a " +
                                        std::string(describe(*t->parameter)) + " after it");
                    return false;
                }
                value = &args[++i];
            }
            if (!apply_tag(*t, value, b, cmp)) return false;
            b.tags.emplace_back(t, value);
        }
        const auto* type_ops = reg_.tables().match_types[std::size_t(b.match.type)];
        bool substring = b.match.type == vm::match_type::contains ||
                         b.match.type == vm::match_type::matches || (type_ops && type_ops->substring);
        if (cmp && substring && !cmp->substring) {
            error(at, "comparator " + quote(cmp->name) + " cannot be used with :" +
                          vm::match_type_name(std::size_t(b.match.type), &reg_.tables()));
            return false;
        }
        return check_positional(at, def, b) && check_groups(at, def, groups_seen) && check_types(def, b);
    }

    // A tag the command does not take, or whose capability is not
    // required, is reported once per command name and tag (Pigeonhole).
    const tag_def* accept_tag(const command_def& def, const ast::tag& tag, group_list& groups_seen) {
        const tag_def* t = reg_.tag(tag.name, def);
        if (!t || !available(*t)) {
            if (first_report(std::string(def.name) + " :" + std::string(tag.name))) {
                if (!t)
                    unknown(tag.pos,
                            "unknown tag :" + std::string(tag.name) + " for " + node_kind(def.is_test) + " " +
                                quote(def.name),
                            nearest_tag(tag.name, def), ":");
                else
                    error(tag.pos, "tag :" + std::string(tag.name) + " requires the \"" +
                                       std::string(t->capability) + "\" capability");
            }
            return nullptr;
        }
        std::string_view group = t->group.empty() ? t->name : t->group;
        if (std::find(groups_seen.begin(), groups_seen.end(), group) != groups_seen.end()) {
            error(tag.pos, t->group.empty() ? "tag :" + std::string(tag.name) + " given twice"
                                            : "only one " + std::string(group) + " may be given; :" +
                                                  std::string(tag.name) + " is a second one");
            return nullptr;
        }
        groups_seen.push_back(group);
        return t;
    }

    // False when the tag's value is wrong (an unknown comparator).
    bool apply_tag(const tag_def& t, const ast::argument* value, binding& b, const comparator_def*& cmp) {
        if (t.group == "match-type") b.match.type = static_cast<vm::match_type>(t.value);
        if (t.group == "address-part") b.part = static_cast<vm::address_part>(t.value);
        if (t.group == "comparator" && value) {
            const auto& name = std::get<ast::string_list>(*value).items.at(0);
            const comparator_def* c = reg_.comparator(name.value);
            if (!c) {
                error(name.pos, "unknown comparator " + quote(name.value));
                return false;
            }
            if (!available(*c)) {
                error(name.pos, "comparator " + quote(name.value) + " requires the \"" +
                                    std::string(c->capability) + "\" capability");
                return false;
            }
            b.match.cmp = c->id;
            cmp = c;
        }
        return true;
    }

    bool check_groups(const ast::position& at, const command_def& def, const group_list& seen) {
        for (auto group : def.required_groups)
            if (std::find(seen.begin(), seen.end(), group) == seen.end()) {
                error(at, quote(def.name) + " requires one of its " + std::string(group) + " tags");
                return false;
            }
        return true;
    }

    static bool fits(const ast::argument& arg, arg_kind kind) {
        switch (kind) {
            case arg_kind::number:
                return std::holds_alternative<ast::number>(arg);
            case arg_kind::string_list:
                return std::holds_alternative<ast::string_list>(arg);
            case arg_kind::string: {
                const auto* list = std::get_if<ast::string_list>(&arg);
                return list && !list->bracketed && list->items.size() == 1;
            }
        }
        return false;
    }

    static ast::position position_of(const ast::argument& arg) {
        return std::visit([](const auto& a) { return a.pos; }, arg);
    }

    // The signature's positional kinds for the number of arguments given
    // (an optional first or last one may be left out).
    static std::span<const arg_kind> wanted(const command_def& def, std::size_t given) {
        std::span<const arg_kind> want = def.positional;
        if (def.first_optional && !want.empty() && given + 1 == want.size()) want = want.subspan(1);
        if (def.last_optional && !want.empty() && given + 1 == want.size())
            want = want.first(want.size() - 1);
        return want;
    }

    bool check_positional(const ast::position& at, const command_def& def, const binding& b) {
        auto want = wanted(def, b.positional.size());
        if (b.positional.size() == want.size()) return true;
        if (b.positional.size() < want.size()) {
            bool optional = def.first_optional || def.last_optional;
            auto least = optional ? want.size() - 1 : want.size();
            error(at, quote(def.name) + " expects " + (optional ? "at least " : "") + std::to_string(least) +
                          " argument" + (least == 1 ? "" : "s") + ", got " +
                          std::to_string(b.positional.size()));
        } else {
            error(position_of(*b.positional[want.size()]),
                  "too many arguments for " + std::string(node_kind(def.is_test)) + " " + quote(def.name));
        }
        return false;
    }

    // The first argument of the wrong kind is reported; check hooks run
    // only on a well-typed binding.
    bool check_types(const command_def& def, binding& b) {
        auto want = wanted(def, b.positional.size());
        for (std::size_t i = 0; i < want.size(); ++i) {
            if (!fits(*b.positional[i], want[i])) {
                error(position_of(*b.positional[i]), quote(def.name) + " expects a " +
                                                         std::string(describe(want[i])) + " as argument " +
                                                         std::to_string(i + 1));
                return false;
            }
        }
        b.well_formed = true;
        return true;
    }

    template <class Node>
    bool check_tests(const Node& node, const command_def& def, const ast::list<ast::argument>& args,
                     const ast::list<ast::test>& tests, bool test_list) {
        const ast::position& at = node.pos;
        switch (def.tests) {
            case tests_arity::none:
                if (tests.empty()) return true;
                spurious_test(def, args.empty() ? node.pos : position_of(args.back()), tests.front());
                return false;
            case tests_arity::one:
                if (tests.size() == 1 && !test_list) return true;
                error(at, quote(def.name) + " expects a single test");
                return false;
            case tests_arity::list:
                if (test_list) return true;
                error(at, quote(def.name) + " expects a test list ( ... )");
                return false;
        }
        return true;
    }

    // A test after a command or test that takes none: most often a
    // forgotten ';' before the next command, or a tag without its ':'.
    // `last` is where the node's last token before the test starts.
    void spurious_test(const command_def& def, const ast::position& last, const ast::test& t) {
        std::string what = node_kind(def.is_test) + std::string(" ") + quote(def.name);
        if (reg_.command(t.name, true))
            error(t.pos, what + " takes no test");
        else if (reg_.tag(t.name, def))
            error(t.pos, "missing ':' before tag :" + std::string(t.name) + " of " + what);
        else
            error(missing_semicolon_at(last, t.pos),
                  "missing ';' after " + what + " (" + quote(t.name) + " is read as its test)");
    }

    // Where a forgotten ';' is reported (as the parser does,
    // parse/error_handler.hpp): just after the token starting at `last`
    // when what follows is on a later line, else at what follows.
    ast::position missing_semicolon_at(const ast::position& last, const ast::position& next) const {
        auto const end = parse::scan::token_end(source_, last.offset);
        if (source_.substr(end, next.offset - std::min<std::size_t>(end, next.offset)).find('\n') ==
            std::string_view::npos)
            return next;
        return ast::position{0, 0, std::uint32_t(end)};
    }

    std::string_view source_;
    const std::string& file_;
    const registry& reg_;
    const compile_limits& limits_;
    validated& out_;
    ast::script* script_ = nullptr;
    std::bitset<registry::max_capabilities> required_;  // by index in reg_.capabilities()
    boost::container::small_vector<const capability_def*, 8> required_defs_;  // in the order required
    bool variables_ = false;  // "variables" is required: strings with ${...} are templates
    std::vector<diagnostic> errors_;
    std::vector<diagnostic> warnings_;
    std::vector<std::string> reported_;  // unknown names and tags reported once

public:
    std::vector<diagnostic> take_warnings() { return std::move(warnings_); }
    std::vector<binding> enclosing_;  // block commands around the current node
};

}  // namespace

std::vector<diagnostic> validate(ast::script& script, std::string_view source, const std::string& file,
                                 const registry& reg, const compile_limits& limits, validated& out) {
    validator checks(source, file, reg, limits, out);
    auto errors = checks.run(script);
    out.warnings = checks.take_warnings();
    return errors;
}

}  // namespace sift::validate
