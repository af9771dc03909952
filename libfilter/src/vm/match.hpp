// Comparators (RFC 4790, RFC 5228 §2.7.3) and match types (RFC 5228 §2.7.1).
// Their numeric ids are bytecode operands: append, never renumber.
#pragma once

#include <cstdint>
#include <iterator>
#include <string_view>
#include <vector>

namespace sift::vm {

enum class comparator : std::uint8_t { octet, ascii_casemap, ascii_numeric, unicode_casemap, count_ };
// count and value: RFC 5231 (relational); regex: draft-ietf-sieve-regex;
// list: RFC 6134 (extlists).
enum class match_type : std::uint8_t { is, contains, matches, count, value, regex, list, count_ };
// user and detail: RFC 5233 (subaddress).
enum class address_part : std::uint8_t { all, localpart, domain, user, detail, count_ };
// RFC 5231 §5 relational operators; `none` for the other match types.
enum class relation : std::uint8_t { none, gt, ge, lt, le, eq, ne, count_ };

// Names as written in scripts, indexed by id.
inline constexpr std::string_view comparator_names[] = {"i;octet", "i;ascii-casemap", "i;ascii-numeric",
                                                        "i;unicode-casemap"};
inline constexpr std::string_view match_type_names[] = {"is",    "contains", "matches", "count",
                                                        "value", "regex",    "list"};
inline constexpr std::string_view address_part_names[] = {"all", "localpart", "domain", "user", "detail"};
inline constexpr std::string_view relation_names[] = {"", "gt", "ge", "lt", "le", "eq", "ne"};
static_assert(std::size(comparator_names) == std::size_t(comparator::count_));
static_assert(std::size(match_type_names) == std::size_t(match_type::count_));
static_assert(std::size(address_part_names) == std::size_t(address_part::count_));
static_assert(std::size(relation_names) == std::size_t(relation::count_));

// Comparator and match type; the match type and the relational operator of
// RFC 5231 share one 'm' operand (type in bits 0-7, relation in bits 8-15),
// the comparator has its own 'c' operand.
struct match_spec {
    comparator cmp = comparator::ascii_casemap;
    match_type type = match_type::is;
    relation rel = relation::none;
};

constexpr bool is_relational(match_type t) {
    return t == match_type::count || t == match_type::value;
}
constexpr std::uint64_t pack(match_spec spec) {
    return std::uint64_t(spec.type) | std::uint64_t(spec.rel) << 8;
}
// True when an 'm' operand names a known match type with a relation
// exactly when the type is relational.
constexpr bool valid_packed_match(std::uint64_t v) {
    auto type = v & 0xFF, rel = v >> 8;
    if (type >= std::size_t(match_type::count_) || rel >= std::size_t(relation::count_)) return false;
    return is_relational(static_cast<match_type>(type)) == (rel != 0);
}

// :is, :contains, :matches and :value of one value against one key (:count
// and :regex need the run state, see run_state::any_key).
bool matches(std::string_view value, std::string_view key, match_spec spec);

// The comparator's ordering (RFC 4790 §3.4): <0, 0, >0.
int compare(std::string_view a, std::string_view b, comparator cmp);
// Whether `order` (a compare() result) satisfies `rel`.
bool holds(int order, relation rel);

// A piece of a matched value: offset and length.
struct span {
    std::size_t offset = 0, length = 0;
};

// RFC 5228 :matches — '*' any sequence, '?' one character (an octet for
// the octet-based comparators), '\' escapes the next character. With `captures`, also what
// each wildcard matched, in pattern order (RFC 5229 §3.2).
bool glob_match(std::string_view value, std::string_view pattern, comparator cmp,
                std::vector<span>* captures = nullptr);

bool equal(std::string_view a, std::string_view b, comparator cmp);
bool contains(std::string_view haystack, std::string_view needle, comparator cmp);

}  // namespace sift::vm
