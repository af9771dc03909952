// RFC 5260 §6: index. The :index / :last prefix (mod_index) that the
// header, address and date tests and deleteheader (RFC 5293) take.
#pragma once

#include "mail/header.hpp"
#include "vm/run_state.hpp"

#include <optional>
#include <utility>
#include <vector>

namespace sift::ext {

// Which of the fields of a name a test looks at.
struct field_index {
    unsigned number = 0;  // 1-based
    bool last = false;    // counted from the end
};

// What the prefix set for the test it precedes.
struct index_prefix final : vm::run_slot {
    std::optional<field_index> index;

    void drop_prefixes() override { index.reset(); }
};

// The index the prefix before this instruction set, if any; taking it
// clears it. Inline: every header and address test asks.
inline std::optional<field_index> take_index(vm::run_state& s) {
    auto* prefix = s.find_slot<index_prefix>();
    return prefix ? std::exchange(prefix->index, std::nullopt) : std::nullopt;
}

// Calls f(const mail::header_field&) -> bool (false stops) for each field
// named `name` as the script now sees them; with `index`, only for the one
// it selects. Returns false when f stopped the walk.
template <class F>
bool for_each_field(vm::run_state& s, mail::field_name name, const std::optional<field_index>& index, F&& f) {
    if (!index) return s.visit_fields(name, f);
    std::vector<mail::header_field> hits;
    s.visit_fields(name, [&](const mail::header_field& h) {
        hits.push_back(h);
        return true;
    });
    if (index->number == 0 || index->number > hits.size()) return true;
    return f(hits[index->last ? hits.size() - index->number : index->number - 1]);
}

}  // namespace sift::ext
