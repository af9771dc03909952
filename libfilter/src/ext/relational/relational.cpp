// RFC 5231: relational tests.
//
//   MATCH-TYPE =/ COUNT / VALUE
//   COUNT = ":count" relational-match
//   VALUE = ":value" relational-match
//   relational-match = DQUOTE ("gt" / "ge" / "lt" / "le" / "eq" / "ne") DQUOTE
//
// §4: ":value" compares each value with each key using the comparator's
// ordering (RFC 4790 §3.4); ":count" compares the number of values (header
// fields, addresses, envelope addresses; the string test counts non-empty
// strings, RFC 5229 §5) written in decimal with each key. The operator is
// a constant (ABNF strings are case-insensitive); it is packed with the
// match type into the 'm' operand (vm/match.hpp). :count adds each value
// to the run's counter (this folder's slot) and decides in count_matches;
// :value orders each value against each key.
#include "ext/relational/relational.hpp"
#include "ext/extension.hpp"
#include "validate/registry.hpp"
#include "vm/run_state.hpp"

#include <iterator>
#include <string>
#include <utility>

namespace sift::ext {
namespace {

using namespace validate;

void check_relation(checker& c, binding& b) {
    if (b.match.type != match_count && b.match.type != match_value) return;
    std::string_view name = b.match.type == match_count ? "count" : "value";
    const auto* arg = b.tag_value(name);
    const auto* list = arg ? std::get_if<parse::ast::string_list>(arg) : nullptr;
    if (!list || list->items.size() != 1) return;  // reported by the validator
    const auto& op = list->items.front();
    for (std::size_t i = 1; i < std::size(vm::relation_names); ++i)
        if (vm::equal(op.value, vm::relation_names[i], vm::comparator::ascii_casemap)) {
            b.match.rel = static_cast<vm::relation>(i);
            return;
        }
    c.error(op.pos, "invalid relational operator '" + std::string(op.value) + "' for :" + std::string(name) +
                        " (expected \"gt\", \"ge\", \"lt\", \"le\", \"eq\" or \"ne\")");
}

// The values the running test counted so far.
struct count_state final : vm::run_slot {
    std::uint64_t counted = 0;
};

bool count_value(vm::run_state& s, std::string_view, std::uint64_t, const vm::match_spec&) {
    ++s.slot<count_state>().counted;
    return false;
}

bool value_holds(vm::run_state& s, std::string_view value, std::uint64_t keys, const vm::match_spec& spec) {
    return ordered_against_any_key(s, value, keys, spec);
}

constexpr vm::match_type_ops count_ops{.name = "count", .any_key = count_value, .relational = true};
constexpr vm::match_type_ops value_ops{.name = "value", .any_key = value_holds, .relational = true};

}  // namespace

void count_values(vm::run_state& s, std::uint64_t n) {
    s.slot<count_state>().counted += n;
}

bool count_holds(vm::run_state& s, std::uint64_t count, std::uint64_t keys, const vm::match_spec& spec) {
    return ordered_against_any_key(s, std::to_string(count), keys, spec);
}

bool count_matches(vm::run_state& s, std::uint64_t keys, const vm::match_spec& spec) {
    std::uint64_t count = 0;
    if (auto* state = s.find_slot<count_state>()) count = std::exchange(state->counted, 0);
    return count_holds(s, count, keys, spec);
}

bool ordered_against_any_key(vm::run_state& s, std::string_view value, std::uint64_t keys,
                             const vm::match_spec& spec) {
    std::string key_buffer;
    for (auto k : s.list(keys))
        if (vm::holds(vm::compare(value, s.text(k, key_buffer), spec.cmp, spec.cmp_ops), spec.rel))
            return true;
    return false;
}

void register_relational(registry& r) {
    r.add(capability_def{"relational"});
    for (const auto* ops : {&count_ops, &value_ops})
        r.add(tag_def{.name = ops->name,
                      .group = "match-type",
                      .parameter = arg_kind::string,
                      .capability = "relational",
                      .value = std::uint8_t(ops == &count_ops ? match_count : match_value),
                      .check = check_relation,
                      .match_type = ops});
}

}  // namespace sift::ext

namespace sift::ext {

extern const descriptor relational_extension{.name = "relational", .add = register_relational};

}  // namespace sift::ext
