// RFC 5228 §5.4: envelope [COMPARATOR] [ADDRESS-PART] [MATCH-TYPE]
//                         <envelope-part: string-list> <key-list: string-list>
// Parts: "from" (MAIL FROM), "to" (RCPT TO of this recipient), and "auth"
// (the SASL identity, as Pigeonhole offers). The null reverse-path matches
// the empty string whatever the address part.
#include "compile/emitter.hpp"
#include "ext/core/core.hpp"
#include "ext/extension.hpp"
#include "ext/relational/relational.hpp"
#include "mail/address.hpp"
#include "validate/registry.hpp"
#include "vm/exec.hpp"

#include <boost/container/small_vector.hpp>

#include <array>
#include <optional>
#include <vector>

namespace sift::ext {
using namespace validate;

namespace {

constexpr std::array envelope_parts{"from", "to", "auth"};

bool known_part(std::string_view name) {
    for (std::string_view p : envelope_parts)
        if (vm::equal(p, name, vm::comparator::ascii_casemap)) return true;
    return false;
}

void check_envelope(checker& c, const binding& b) {
    for (const auto& part : b.list_arg(0).items)
        if (!known_part(part.value))
            c.error(part.pos, "unknown envelope part '" + std::string(part.value) + "'");
}

}  // namespace

void register_envelope(registry& r) {
    r.add(capability_def{"envelope"});
    r.add(command_def{.name = "envelope",
                      .is_test = true,
                      .capability = "envelope",
                      .positional = {arg_kind::string_list, arg_kind::string_list},
                      .tags = {"comparator", "match-type", "address-part"},
                      .check = check_envelope,
                      .emit = [](compile::emitter& e, const binding& b) {
                          e.emit(vm::opcode::test_envelope,
                                 {std::uint64_t(b.part), std::uint64_t(b.match.cmp), vm::pack(b.match),
                                  e.list(b.list_arg(0)), e.list(b.list_arg(1))});
                      }});
}

}  // namespace sift::ext

namespace sift::vm {

namespace {

// The envelope value of `part`, or nullptr when the MTA gave none. "auth"
// is the envelope's, else the session's login.
const std::string* envelope_value(const run_state& s, std::string_view part) {
    const auto& env = s.env;
    if (equal(part, "from", comparator::ascii_casemap)) return &env.from;
    if (equal(part, "to", comparator::ascii_casemap)) return env.to.empty() ? nullptr : &env.to;
    if (equal(part, "auth", comparator::ascii_casemap)) {
        if (!env.auth.empty()) return &env.auth;
        if (s.client && !s.client->authenticated_user.empty()) return &s.client->authenticated_user;
    }
    return nullptr;
}

// The envelope's paths as parsed, each once per run: a policy tests them
// several times (the default one five times a message). Kept by the text
// they were parsed from: a host may change the envelope between tests (the
// Pigeonhole test suite's test_set does).
struct envelope_paths final : run_slot {
    struct parsed_path {
        raw_text raw;
        std::optional<mail::address> path;
        std::optional<std::string> all;  // its :all part, made on first use
    };
    // From and to in the slot itself (the run's slot arena): no allocation.
    boost::container::small_vector<parsed_path, 2> parsed;

    parsed_path& of(const std::string& raw) {
        for (auto& p : parsed)
            if (p.raw == raw) return p;
        if (parsed.size() >= 8) parsed.clear();  // an envelope changing all the time
        return parsed.emplace_back(parsed_path{raw_text(raw), mail::parse_envelope_path(raw), std::nullopt});
    }
};

}  // namespace

void exec_test_envelope(run_state& s, const instruction& ins) {
    auto part = static_cast<address_part>(ins.arg[0]);
    auto spec = s.match_spec_of(ins.arg[2], ins.arg[1]);
    std::string part_buffer, buffer;
    s.flag = false;
    for (auto name : s.list(ins.arg[3])) {
        const std::string* raw = envelope_value(s, s.text(name, buffer));
        if (!raw) continue;
        auto& parsed = s.slot<envelope_paths>().of(*raw);
        const auto& a = parsed.path;
        if (spec.type == ext::match_count) {
            ext::count_values(s, 1);  // RFC 5231 §4.2: addresses, whatever the address part
        } else if (!a) {
            s.flag = s.any_key("", ins.arg[4], spec);  // the null path
        } else if (a->valid && part == address_part::all) {
            // Made once a run (a policy's block lists test the path whole).
            if (!parsed.all) parsed.all = ext::core::all_part(*a);
            s.flag = s.any_key(*parsed.all, ins.arg[4], spec);
        } else if (a->valid) {
            auto value = ext::core::address_part_of(s, *a, part, part_buffer);
            s.flag = value && s.any_key(*value, ins.arg[4], spec);
        } else if (raw == &s.env.auth || (s.client && raw == &s.client->authenticated_user)) {
            // a login name need not be an address: :all sees it whole
            s.flag = part == address_part::all && s.any_key(*raw, ins.arg[4], spec);
        }
        // else: a from/to path that does not parse matches no part (as in Pigeonhole)
        if (s.flag) return;
    }
    if (spec.type == ext::match_count) s.flag = ext::count_matches(s, ins.arg[4], spec);
}

}  // namespace sift::vm

namespace sift::ext {
extern const descriptor envelope_extension{.name = "envelope", .add = register_envelope};

}  // namespace sift::ext
