// Comparators (RFC 4790, RFC 5228 §2.7.3), match types (RFC 5228 §2.7.1)
// and address parts (§2.7.4).
#pragma once

#include <array>
#include <cstdint>
#include <iterator>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sift::vm {

class run_state;
struct program;

// RFC 5228 §2.7 defines two comparators, three match types and three
// address parts; the VM knows those. Every other one (RFC 4790's
// i;ascii-numeric, RFC 5231's :count and :value, :regex, RFC 6134's :list,
// RFC 5233's :user and :detail, ...) is an id its extension folder defines
// and registers with its operations (comparator_ops, match_type_ops,
// address_part_ops below) in validate::registry, which keeps them in a
// match_tables the program links to. The ids are bytecode operands: an
// extension's ids never change (docs/BYTECODE.md).
enum class comparator : std::uint8_t { octet, ascii_casemap };
enum class match_type : std::uint8_t { is, contains, matches };
enum class address_part : std::uint8_t { all, localpart, domain };
// RFC 5231 §5 relational operators, part of the 'm' operand's encoding;
// `none` for match types that take none.
enum class relation : std::uint8_t { none, gt, ge, lt, le, eq, ne, count_ };
inline constexpr std::string_view relation_names[] = {"", "gt", "ge", "lt", "le", "eq", "ne"};
static_assert(std::size(relation_names) == std::size_t(relation::count_));

// i;ascii-casemap equality of two octets: the same octet, or a letter in
// its two cases (they differ only in bit 0x20, and both fold to the same
// a-z). One test of their difference instead of folding each side.
inline bool same_casemap(char a, char b) {
    auto d = static_cast<unsigned char>(a ^ b);
    if (d == 0) return true;
    auto lower = static_cast<unsigned char>(a | 0x20);
    return d == 0x20 && lower >= 'a' && lower <= 'z';
}

struct match_spec;
struct span;
struct template_ops;
struct template_part;

// A comparator an extension adds (RFC 4790 §3).
struct comparator_ops {
    std::string_view name;
    // The ordering (<0, 0, >0); equality is order 0 unless `fold` is given.
    int (*compare)(std::string_view, std::string_view) = nullptr;
    // With substring operations: the canonical form equality, :contains
    // and :matches work on (origin[i]: the input offset of output byte i,
    // origin[size] = input size), and the length of the character at
    // folded[i] ('?' of :matches). Without: :contains and :matches are
    // false (RFC 4790 §9.1 for i;ascii-numeric).
    std::string (*fold)(std::string_view, std::vector<std::size_t>* origin) = nullptr;
    std::size_t (*char_length)(std::string_view folded, std::size_t i) = nullptr;
};

// A match type an extension adds (RFC 5228 §2.7.1 allows them).
struct match_type_ops {
    std::string_view name;
    // True when `value` matches one of the keys of list `keys`; may report
    // what it captured (run_state::captured, when captures_wanted) and
    // throw runtime_error.
    bool (*any_key)(run_state& s, std::string_view value, std::uint64_t keys,
                    const match_spec& spec) = nullptr;
    // Prepares a program's constant keys once, when it is linked (regex).
    void (*link)(program& p) = nullptr;
    bool relational = false;  // takes a relational operator (RFC 5231)
    bool substring = false;   // needs a comparator with substring operations
};

// An address part an extension adds (RFC 5233 §4): false when the address
// has no such part. `delimiters` are eval_limits::recipient_delimiters.
struct address_part_ops {
    std::string_view name;
    bool (*extract)(std::string_view local_part, std::string_view domain, std::string_view delimiters,
                    std::string& out) = nullptr;
};

// The extension entries by id, as a registry assembled them.
struct match_tables {
    std::array<const comparator_ops*, 256> comparators{};
    std::array<const match_type_ops*, 256> match_types{};
    std::array<const address_part_ops*, 256> address_parts{};
    std::vector<void (*)(program&)> links;  // the match types' link hooks
    // The extension that gives templates their values (RFC 5229's
    // variables, capability_def::templates), or null.
    const template_ops* templates = nullptr;
};

// Names of the VM's own entries, and of the others through `tables`
// ("#N" for an id neither knows).
std::string comparator_name(std::uint64_t id, const match_tables* tables);
std::string match_type_name(std::uint64_t id, const match_tables* tables);
std::string address_part_name(std::uint64_t id, const match_tables* tables);

// Comparator and match type; the match type and the relational operator of
// RFC 5231 share one 'm' operand (type in bits 0-7, relation in bits 8-15),
// the comparator has its own 'c' operand. `cmp_ops` / `type_ops` are the
// extension's operations when the id is not the VM's own.
struct match_spec {
    comparator cmp = comparator::ascii_casemap;
    match_type type = match_type::is;
    relation rel = relation::none;
    const comparator_ops* cmp_ops = nullptr;
    const match_type_ops* type_ops = nullptr;
    // False for a test whose successful match must not be captured
    // (RFC 5173 §6: body's), so template_ops::captured is not called.
    bool capture = true;
};

constexpr bool is_core(comparator c) {
    return c <= comparator::ascii_casemap;
}
constexpr bool is_core(match_type t) {
    return t <= match_type::matches;
}
constexpr bool is_core(address_part p) {
    return p <= address_part::domain;
}
constexpr std::uint64_t pack(match_spec spec) {
    return std::uint64_t(spec.type) | std::uint64_t(spec.rel) << 8;
}
// True when an 'm' operand names a match type `tables` knows (or the VM's
// own), with a relation exactly when the type is relational.
bool valid_packed_match(std::uint64_t v, const match_tables& tables);

// :is, :contains and :matches of one value against one key (the other
// match types need the run state, see run_state::any_key).
bool matches(std::string_view value, std::string_view key, const match_spec& spec);

// The comparator's ordering (RFC 4790 §3.4): <0, 0, >0. `ops` for a
// comparator an extension added (match_spec::cmp_ops).
int compare(std::string_view a, std::string_view b, comparator cmp, const comparator_ops* ops = nullptr);
// Whether `order` (a compare() result) satisfies `rel`.
bool holds(int order, relation rel);

// A piece of a matched value: offset and length.
struct span {
    std::size_t offset = 0, length = 0;
};

// What the VM does not interpret in a run: the values of a template's
// references (vm/strings.hpp), and what a successful :matches (or an
// extension's match type, :regex) captured. An extension provides them
// (capability_def::templates); the VM calls them and knows nothing of
// what they keep (its run_slot, made on first use).
struct template_ops {
    // Appends template `parts` of string `source` (vm/strings.hpp) to
    // `out`: its literal text and the values its references have now, ""
    // for one never set (RFC 5229 §3). One call per string, not per part.
    void (*expand)(const run_state& s, std::string_view source, std::span<const template_part> parts,
                   std::string& out) = nullptr;
    // A match on `value` succeeded, and the program reads what it captured
    // (program::reads_captures): `whole` is what the match covered
    // (${0}), `groups` what each wildcard or group of it did (${1}..), all
    // spans of `value`.
    void (*captured)(run_state& s, std::string_view value, span whole,
                     std::span<const span> groups) = nullptr;
};

// RFC 5228 :matches — '*' any sequence, '?' one character (an octet for
// the octet-based comparators), '\' escapes the next character. With `captures`, also what
// each wildcard matched, in pattern order (RFC 5229 §3.2).
bool glob_match(std::string_view value, std::string_view pattern, comparator cmp,
                std::vector<span>* captures = nullptr, const comparator_ops* ops = nullptr);

bool equal(std::string_view a, std::string_view b, comparator cmp, const comparator_ops* ops = nullptr);

// The shape of a :matches pattern under the VM's own comparators: "*"
// alone, "*" and a literal tail ("*.example.com": no '*', '?' or '\\' after
// the first octet), or any other. The first two are answered without the
// wildcard walk (star_match); program::link tells each constant string's
// once (program::glob_shapes), glob_match at each call.
enum class glob_shape : std::uint8_t { other, star, star_tail };
glob_shape shape_of(std::string_view pattern);
// :matches of `pattern`, of shape star or star_tail, under the octet or
// i;ascii-casemap comparator: true when the tail ends `value`; `at` is
// then where the star's capture (${1}) ends, the capture starting at 0.
inline bool star_match(std::string_view value, std::string_view pattern, glob_shape shape, comparator cmp,
                       std::size_t& at) {
    if (shape == glob_shape::star) {
        at = value.size();
        return true;
    }
    auto tail = pattern.substr(1);
    if (value.size() < tail.size()) return false;
    at = value.size() - tail.size();
    return equal(value.substr(at), tail, cmp);
}

bool contains(std::string_view haystack, std::string_view needle, comparator cmp,
              const comparator_ops* ops = nullptr);

}  // namespace sift::vm
