#include "mail/defect.hpp"

#include <array>

namespace sift::mail {

namespace {

struct defect_info {
    std::string_view name, meaning;
};

constexpr std::array table{
#define SIFT_DEFECT_ROW(n, m) defect_info{#n, m},
    SIFT_DEFECTS(SIFT_DEFECT_ROW)
#undef SIFT_DEFECT_ROW
};

}  // namespace

std::string_view name(defect_kind k) {
    return table[static_cast<std::size_t>(k)].name;
}

std::string_view meaning(defect_kind k) {
    return table[static_cast<std::size_t>(k)].meaning;
}

}  // namespace sift::mail
