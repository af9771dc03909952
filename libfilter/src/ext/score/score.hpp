// vnd.sift.score: named, weighted hits in score categories (docs/
// EXTENSIONS.md "vnd.sift.score"). What other folders read: the decimal
// weights, the names, and the totals of the running script (spamtest reads
// the spam total, ext/spamtest/score.cpp).
#pragma once

#include <sift/result.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sift::vm {
class run_state;
}

namespace sift::ext {

// The category of a score command or test without :category.
inline constexpr std::string_view default_score_category = "spam";
// A weight (and a test's decimal key) is within +-max_weight, in
// thousandths: 1,000,000.000. GTUBE's 1000 is far inside.
inline constexpr std::int64_t max_weight = 1'000'000'000;
inline constexpr std::size_t max_score_name = 64;

// "[+-]digits[.d[d[d]]]" within +-max_weight, as thousandths: "2.5" ->
// 2500, "-0.125" -> -125. Nullopt for anything else (more than three
// decimals, no digit before the point, blanks, out of range).
std::optional<std::int64_t> parse_thousandths(std::string_view text);

// Rule names: 1..64 of A-Z a-z 0-9 _ - . (they go into header fields such
// as X-Spam-Status's tests=). Categories: the same characters, compared
// case-insensitively, kept lower-case.
bool valid_rule_name(std::string_view name);
bool valid_category(std::string_view name);
std::string lower_category(std::string_view name);

// The total of `category` (lower-case) the running script sees so far, in
// thousandths: the hits of this run and those it took over.
std::int64_t score_total(vm::run_state& s, std::string_view category);

}  // namespace sift::ext
