// RFC 6134: externally stored lists.
//
//   MATCH-TYPE =/ ":list"                       (§2.2; the key list names lists)
//   valid_ext_list <ext-list-names: string-list> (§2.5)
//   redirect :list <ext-list-name: string>      (§2.3, every member)
//
// §2.1 list names are URIs; ":addrbook:NAME" is short for
// "urn:ietf:params:sieve:addrbook:NAME". Constant names of :list and
// redirect :list are checked to be URIs when compiling. valid_ext_list
// exists to ask, so for it a name that is not a URI ("addrbook") makes
// the test false, constant or not (§2.5), with a warning. Whether a list
// exists is the host's (sift::list_provider in sift/host.hpp), so an
// unknown list is found at run time: :list does not match it,
// valid_ext_list is false, and redirect :list fails with a runtime error
// (the message is kept).
// The comparator is not used by :list (membership is the provider's).
#include "ext/extlists/extlists.hpp"

#include "compile/emitter.hpp"
#include "ext/core/core.hpp"
#include "ext/extension.hpp"
#include "validate/registry.hpp"
#include "vm/exec.hpp"

#include <sift/lists.hpp>

#include <cctype>
#include <deque>
#include <string>
#include <vector>

namespace sift::ext {
using namespace validate;

namespace {

constexpr std::string_view sieve_urn = "urn:ietf:params:sieve:";

bool uri_scheme(std::string_view s) {
    auto colon = s.find(':');
    if (colon == std::string_view::npos || colon == 0 || !std::isalpha(static_cast<unsigned char>(s[0])))
        return false;
    for (std::size_t i = 1; i < colon; ++i) {
        auto c = static_cast<unsigned char>(s[i]);
        if (!std::isalnum(c) && c != '+' && c != '-' && c != '.') return false;
    }
    return true;
}

bool printable(std::string_view s) {
    for (unsigned char c : s)
        if (c <= ' ' || c == 0x7F) return false;
    return true;
}

// tag:sift,2026:users/... are the providers' names of per-user lists; a
// script reaches its own user's as tag:sift,2026:user/... (sift/lists.hpp).
bool reserved_name(std::string_view name) {
    return name.size() >= lists::users_space.size() &&
           vm::equal(name.substr(0, lists::users_space.size()), lists::users_space,
                     vm::comparator::ascii_casemap);
}

void check_names(checker& c, const parse::ast::string_list& names) {
    for (const auto& n : names.items) {
        if (c.is_template(n.value)) continue;
        if (!canonical_list_name(n.value))
            c.error(n.pos,
                    "invalid list name '" + std::string(n.value) + "': a list name is a URI (RFC 6134 §2.1)");
        else if (reserved_name(n.value))
            c.error(n.pos, "list name '" + std::string(n.value) +
                               "' is reserved: a script names its user's lists as " +
                               std::string(lists::user_space) + "...");
    }
}

void warn_names(checker& c, const parse::ast::string_list& names) {
    for (const auto& n : names.items)
        if (!c.is_template(n.value) && !canonical_list_name(n.value))
            c.warning(n.pos, "'" + std::string(n.value) +
                                 "' is not a list name (a URI, RFC 6134 §2.1): valid_ext_list is false");
}

void check_list_keys(checker& c, binding& b) {
    if (b.match.type != match_list || b.positional.empty()) return;
    if (const auto* keys = std::get_if<parse::ast::string_list>(b.positional.back())) check_names(c, *keys);
}

const list_provider& provider(const vm::run_state& s) {
    const auto* lists = s.host.lists();
    if (!lists) throw vm::runtime_error{"extlists: the host provides no list service (sift::host::lists)"};
    return *lists;
}

// The provider's answers are lookups: one that throws makes the run a
// lookup failure (sift/host.hpp).
bool list_valid(const list_provider& lists, const std::string& name) {
    if (name.empty()) return false;
    return vm::ask_host("extlists: list '" + name + "'", [&] { return lists.valid(name); });
}

// The provider's name for a script's list in this run: a per-user list
// (tag:sift,2026:user/X) is the envelope recipient's, without its
// +detail; "" when there is none (no such list).
std::string provider_name(const vm::run_state& s, const std::string& name) {
    bool per_user = name.size() >= lists::user_space.size() &&
                    vm::equal(std::string_view(name).substr(0, lists::user_space.size()), lists::user_space,
                              vm::comparator::ascii_casemap);
    return lists::resolve(name, per_user ? lists::list_user(s.env.to, s.limits.recipient_delimiters) : "");
}

}  // namespace

std::optional<std::string> canonical_list_name(std::string_view name) {
    if (name.size() > 1 && name[0] == ':' && printable(name)) return std::string(name);
    if (!printable(name) || !uri_scheme(name)) return std::nullopt;
    if (name.size() > sieve_urn.size() &&
        vm::equal(name.substr(0, sieve_urn.size()), sieve_urn, vm::comparator::ascii_casemap))
        return ":" + std::string(name.substr(sieve_urn.size()));
    return std::string(name);
}

namespace {

// The provider's names of the lists asked for, by the names the script
// gave: what they resolve to is a function of the name, the envelope
// recipient and the recipient delimiters only, and the default policy asks
// for the same four lists six times a message, for every message of a
// recipient (all of `sift filter`'s). So each thread keeps the names it
// resolved for the last recipient and delimiters it saw, across runs;
// another recipient (or a host changing it mid-run, as the Pigeonhole
// test suite's test_set does) starts afresh.
struct resolved_names {
    struct resolved {
        std::string given, asked;  // asked: "" for no such list
    };
    std::deque<resolved> names;  // references stay valid as it grows
    std::string recipient, delimiters;
    static constexpr std::size_t max_names = 64;  // a script naming lists from variables stays bounded

    // Forgets the names resolved for another recipient or delimiters: once
    // per test, before asked() for each of its keys.
    resolved_names& for_run(const vm::run_state& s) {
        if (recipient != s.env.to || delimiters != s.limits.recipient_delimiters) {
            names.clear();
            recipient = s.env.to;
            delimiters = s.limits.recipient_delimiters;
        }
        return *this;
    }

    const std::string& asked(const vm::run_state& s, std::string_view given) {
        for (const auto& n : names)
            if (n.given == given) return n.asked;
        if (names.size() >= max_names) names.clear();
        auto name = canonical_list_name(given);
        return names.emplace_back(resolved{std::string(given), name ? provider_name(s, *name) : ""}).asked;
    }
};

resolved_names& names_of_this_thread() {
    thread_local resolved_names names;
    return names;
}

bool list_match(vm::run_state& s, std::string_view value, std::uint64_t keys, const vm::match_spec& spec) {
    const auto& lists = provider(s);
    if (holds_no_lists(lists)) return false;
    auto& names = names_of_this_thread().for_run(s);
    std::string buffer;
    for (auto k : s.list(keys)) {
        const auto& asked = names.asked(s, s.text(k, buffer));
        if (asked.empty()) continue;
        // vm::ask_host's error, with its label made only when it is needed
        // (a lookup per address and list: the default policy makes six).
        bool found = false;
        try {
            found = lists.contains(asked, value);
        } catch (const std::exception& e) {
            throw vm::runtime_error{"extlists: list '" + asked + "': " + e.what(), true};
        }
        if (!found) continue;
        if (s.captures_wanted(spec)) s.captured(value, vm::span{0, value.size()}, {});
        return true;
    }
    return false;
}

constexpr vm::match_type_ops list_ops{.name = "list", .any_key = list_match};

}  // namespace

void register_extlists(registry& r) {
    r.add(capability_def{"extlists"});
    // redirect's :list comes first: for a command taking both (none
    // does) the registry picks the first accepted.
    r.add(tag_def{.name = "list", .capability = "extlists"});
    r.allow_tag("redirect", "list", "extlists");
    r.add(tag_def{.name = "list",
                  .group = "match-type",
                  .capability = "extlists",
                  .value = std::uint8_t(match_list),
                  .check = check_list_keys,
                  .match_type = &list_ops});
    r.add(command_def{
        .name = "valid_ext_list",
        .is_test = true,
        .capability = "extlists",
        .positional = {arg_kind::string_list},
        .check = [](checker& c, const binding& b) { warn_names(c, b.list_arg(0)); },
        .emit = [](compile::emitter& e,
                   const binding& b) { e.emit(vm::opcode::test_valid_ext_list, {e.list(b.list_arg(0))}); }});
}

// redirect :list: the positional argument is a list name (ext/core).
void check_redirect_list(checker& c, const binding& b) {
    check_names(c, b.list_arg(0));
}
void emit_redirect_list(compile::emitter& e, const binding& b) {
    e.emit(vm::opcode::act_redirect_list, {e.string(b.string_arg(0))});
}

}  // namespace sift::ext

namespace sift::vm {

void exec_test_valid_ext_list(run_state& s, const instruction& ins) {
    s.flag = false;
    const auto* lists = s.host.lists();
    if (!lists) return;
    std::string buffer;
    for (auto k : s.list(ins.arg[0])) {
        auto name = ext::canonical_list_name(s.text(k, buffer));
        if (!name || !ext::list_valid(*lists, ext::provider_name(s, *name))) return;
    }
    s.flag = true;
}

// Each member is redirected to as by `redirect` (with the same :copy),
// so the redirect limit and deduplication apply per address.
void exec_act_redirect_list(run_state& s, const instruction& ins) {
    std::string buffer;
    auto text = s.text(ins.arg[0], buffer);
    auto name = ext::canonical_list_name(text);
    const auto& lists = ext::provider(s);
    auto asked = name ? ext::provider_name(s, *name) : std::string();
    if (!ext::list_valid(lists, asked))
        throw runtime_error{"redirect :list: unknown list '" + std::string(text) + "'"};
    run_state::prefix_hold same_tags(s);  // every member's redirect gets the :copy
    auto members = ask_host("redirect :list '" + asked + "'", [&] { return lists.members(asked); });
    for (const auto& member : members) {
        auto target = ext::core::redirect_target(member);
        if (!target)
            throw runtime_error{"redirect :list: invalid address '" + member + "' in list '" + *name + "'"};
        s.redirect(*target, s.line());
    }
}

}  // namespace sift::vm

namespace sift::ext {
extern const descriptor extlists_extension{
    .name = "extlists", .add = register_extlists, .services = needs(service::lists)};

}  // namespace sift::ext
