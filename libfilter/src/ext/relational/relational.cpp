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
// match type into the 'm' operand (vm/match.hpp). The VM side lives in
// run_state::any_key / count_matches.
#include "ext/extension.hpp"
#include "validate/registry.hpp"

#include <iterator>

namespace sift::ext {
namespace {

using namespace validate;

void check_relation(checker& c, binding& b) {
    if (!vm::is_relational(b.match.type)) return;
    auto name = vm::match_type_names[std::size_t(b.match.type)];
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

}  // namespace

void register_relational(registry& r) {
    r.add(capability_def{"relational"});
    r.add(tag_def{"count", "match-type", arg_kind::string, "relational", std::uint8_t(vm::match_type::count),
                  check_relation});
    r.add(tag_def{"value", "match-type", arg_kind::string, "relational", std::uint8_t(vm::match_type::value),
                  check_relation});
}

}  // namespace sift::ext

namespace sift::ext {

extern const descriptor relational_extension{.name = "relational", .add = register_relational};

}  // namespace sift::ext
