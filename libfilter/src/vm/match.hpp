// Comparators (RFC 4790, RFC 5228 §2.7.3) and match types (RFC 5228 §2.7.1).
// Their numeric ids are bytecode operands: append, never renumber.
#pragma once

#include <cstdint>
#include <iterator>
#include <string_view>
#include <vector>

namespace sift::vm {

enum class comparator : std::uint8_t { octet, ascii_casemap, count_ };
enum class match_type : std::uint8_t { is, contains, matches, count_ };
enum class address_part : std::uint8_t { all, localpart, domain, count_ };

// Names as written in scripts, indexed by id.
inline constexpr std::string_view comparator_names[] = {"i;octet", "i;ascii-casemap"};
inline constexpr std::string_view match_type_names[] = {"is", "contains", "matches"};
inline constexpr std::string_view address_part_names[] = {"all", "localpart", "domain"};
static_assert(std::size(comparator_names) == std::size_t(comparator::count_));
static_assert(std::size(match_type_names) == std::size_t(match_type::count_));
static_assert(std::size(address_part_names) == std::size_t(address_part::count_));

// Comparator and match type packed into one 'm' operand with room for the
// relational operator of RFC 5231.
struct match_spec {
    comparator cmp = comparator::ascii_casemap;
    match_type type = match_type::is;
};

bool matches(std::string_view value, std::string_view key, match_spec spec);

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
