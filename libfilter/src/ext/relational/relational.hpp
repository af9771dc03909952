// RFC 5231: the ids of the :count and :value match types (bytecode
// operands: they never change, docs/BYTECODE.md), and :count's counter.
// Every test counts the values it looks at (count_values, which :count's
// match_type_ops::any_key calls for each value, or the test itself for
// what it counts otherwise) and decides :count at its end with
// count_matches. The counter is this folder's run slot.
#pragma once

#include "vm/match.hpp"

#include <cstdint>
#include <string_view>

namespace sift::vm {
class run_state;
}

namespace sift::ext {

inline constexpr vm::match_type match_count{3};
inline constexpr vm::match_type match_value{4};

// §4.2: `n` more values to count for the test running.
void count_values(vm::run_state& s, std::uint64_t n);
// The number of values counted since the last call, in decimal, compared
// with each key of list `keys`; resets the count.
bool count_matches(vm::run_state& s, std::uint64_t keys, const vm::match_spec& spec);
// The same for a count the test made itself (hasflag's distinct flags).
bool count_holds(vm::run_state& s, std::uint64_t count, std::uint64_t keys, const vm::match_spec& spec);
// §4: whether `value` stands in spec.rel to any key of list `keys` under
// the comparator's ordering (:value, and :count's total).
bool ordered_against_any_key(vm::run_state& s, std::string_view value, std::uint64_t keys,
                             const vm::match_spec& spec);

}  // namespace sift::ext
