// "Did you mean ...?" after an unknown name (clang's typo correction): the
// known name nearest to it by edit distance, when close enough to be a
// typo of it.
#pragma once

#include <optional>
#include <string_view>

namespace sift::validate {

// Edit distance of `a` and `b` as optimal string alignment: insertions,
// deletions, substitutions and swaps of two neighbours cost one each
// ("vaccation" -> "vacation" 1, "filein" -> "fileinto" 2); ASCII case is
// ignored. Names are short, so the quadratic table is a few hundred cells.
std::size_t edit_distance(std::string_view a, std::string_view b);

// Feeds candidates one by one; best() is the nearest so far, the first
// one given on a tie, or nullopt when none is within a third of the
// typo's length (clang's bound: "contain" may be 2 edits off, "if" none).
class nearest_name {
public:
    explicit nearest_name(std::string_view typo) : typo_(typo) {}
    void consider(std::string_view candidate);
    std::optional<std::string_view> best() const { return best_; }

private:
    std::string_view typo_;
    std::optional<std::string_view> best_;
    std::size_t distance_ = 0;
};

}  // namespace sift::validate
