// RFC 5231: the ids of the :count and :value match types (bytecode
// operands: they never change, docs/BYTECODE.md). Every test counts the
// values it looks at (run_state::counted) and decides :count at its end
// with run_state::count_matches.
#pragma once

#include "vm/match.hpp"

namespace sift::ext {

inline constexpr vm::match_type match_count{3};
inline constexpr vm::match_type match_value{4};

}  // namespace sift::ext
