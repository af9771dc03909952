// Written here rather than taken from a library: Debian packages no C++
// edit-distance library but for sequence aligners (edlib, for DNA reads)
// and LLVM, far too large a dependency for thirty lines.
#include "validate/suggest.hpp"

#include <algorithm>
#include <vector>

namespace sift::validate {
namespace {

char lower(char c) {
    return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c;
}

}  // namespace

std::size_t edit_distance(std::string_view a, std::string_view b) {
    // d[i][j]: the distance of a's first i and b's first j characters,
    // three rows kept (a swap looks two rows back).
    std::size_t const width = b.size() + 1;
    std::vector<std::size_t> before(width), previous(width), row(width);
    for (std::size_t j = 0; j < width; ++j) previous[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        row[0] = i;
        for (std::size_t j = 1; j < width; ++j) {
            bool const same = lower(a[i - 1]) == lower(b[j - 1]);
            row[j] = std::min({previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (same ? 0 : 1)});
            if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) && lower(a[i - 2]) == lower(b[j - 1]))
                row[j] = std::min(row[j], before[j - 2] + 1);
        }
        std::swap(before, previous);
        std::swap(previous, row);
    }
    return previous[b.size()];
}

void nearest_name::consider(std::string_view candidate) {
    std::size_t const distance = edit_distance(typo_, candidate);
    if (distance == 0 || 3 * distance > typo_.size()) return;
    if (!best_ || distance < distance_) {
        best_ = candidate;
        distance_ = distance;
    }
}

}  // namespace sift::validate
