// RFC 5183: environment [COMPARATOR] [MATCH-TYPE] <name: string> <key-list>.
// The items are what the frontend put in sift::session (domain, host,
// location, phase, remote-host, remote-ip, and any further items of its
// own in session::items) and Sift's own name and version. An item the
// frontend did not fill, or one nobody knows, has no value: the test is
// false for it (RFC 5183 §4.2).
#include "compile/emitter.hpp"
#include "ext/extension.hpp"
#include "ext/relational/relational.hpp"
#include "mail/header.hpp"
#include "validate/registry.hpp"
#include "vm/exec.hpp"

#include <sift/session.hpp>

#include <optional>

#ifndef SIFT_VERSION
#error "SIFT_VERSION comes from CMake's project() version"
#endif

namespace sift::ext {
using namespace validate;

void register_environment(registry& r) {
    r.add(capability_def{"environment"});
    r.add(command_def{.name = "environment",
                      .is_test = true,
                      .capability = "environment",
                      .positional = {arg_kind::string, arg_kind::string_list},
                      .tags = {"comparator", "match-type"},
                      .emit = [](compile::emitter& e, const binding& b) {
                          e.emit(vm::opcode::test_environment,
                                 {std::uint64_t(b.match.cmp), vm::pack(b.match), e.string(b.string_arg(0)),
                                  e.list(b.list_arg(1))});
                      }});
}

}  // namespace sift::ext

namespace sift::vm {
namespace {

std::optional<std::string_view> filled(const std::string& s) {
    return s.empty() ? std::nullopt : std::optional<std::string_view>(s);
}

// RFC 5183 §4.1 items; names compare case-insensitively (i;ascii-casemap),
// the lengths first and then from the last character: a test looks
// through every item the session has, and the policy's share the prefix
// "vnd.sift.". A name spelled as the item is, the usual case, is found by
// one memcmp instead of the folded loop over all its characters (that loop
// over the found item was most of the test's own cost).
constexpr std::size_t longest_own_item = std::string_view("remote-host").size();  // of those item() names

std::optional<std::string_view> item(const session* c, std::string_view name) {
    auto is = [&](std::string_view n) {
        if (n.size() != name.size()) return false;
        if (n == name) return true;
        for (std::size_t i = n.size(); i-- > 0;)
            if (mail::ascii_lower(n[i]) != mail::ascii_lower(name[i])) return false;
        return true;
    };
    // A name longer than every item's below (the policy's "vnd.sift."
    // items) can only be one of the session's further items: the eight
    // comparisons are skipped.
    auto further = [&](const session& from) -> std::optional<std::string_view> {
        for (const auto& [item_name, value] : from.items)
            if (is(item_name)) return std::string_view(value);
        return std::nullopt;
    };
    if (name.size() > longest_own_item) return c ? further(*c) : std::nullopt;
    if (is("name")) return "Sift";
    if (is("version")) return SIFT_VERSION;
    static const session defaults;  // a host that gave none: location and phase keep their defaults
    if (!c) c = &defaults;
    if (is("domain")) return filled(c->local_domain);
    if (is("host")) return filled(c->local_host);
    if (is("location")) return filled(c->location);
    if (is("phase")) return filled(c->phase);
    if (is("remote-host")) return filled(c->remote_host);
    if (is("remote-ip")) return filled(c->remote_ip);
    return further(*c);
}

}  // namespace

void exec_test_environment(run_state& s, const instruction& ins) {
    auto spec = s.match_spec_of(ins.arg[1], ins.arg[0]);
    std::string buffer;
    auto value = item(s.client, s.text(ins.arg[2], buffer));
    s.flag = value && s.any_key(*value, ins.arg[3], spec);
    // An item without a value is not counted as zero: the test is false.
    if (value && spec.type == ext::match_count) s.flag = ext::count_matches(s, ins.arg[3], spec);
}

}  // namespace sift::vm

namespace sift::ext {
extern const descriptor environment_extension{.name = "environment", .add = register_environment};

}  // namespace sift::ext
