#include "vm/strings.hpp"

#include <algorithm>

namespace sift::vm {
namespace {

bool ident_start(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool ident_char(char c) {
    return ident_start(c) || (c >= '0' && c <= '9');
}

// identifier *("." identifier), or 1*DIGIT.
bool valid_name(std::string_view name) {
    if (name.empty()) return false;
    if (is_number(name)) return true;
    bool at_start = true;
    for (char c : name) {
        if (at_start) {
            if (!ident_start(c)) return false;
            at_start = false;
        } else if (c == '.') {
            at_start = true;
        } else if (!ident_char(c)) {
            return false;
        }
    }
    return !at_start;
}

}  // namespace

bool is_number(std::string_view name) {
    return !name.empty() &&
           std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string variable_key(std::string_view name) {
    std::string key(name);
    for (auto& c : key)
        if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
    return key;
}

std::vector<reference> find_references(std::string_view s) {
    std::vector<reference> out;
    std::size_t i = 0;
    while ((i = s.find("${", i)) != std::string_view::npos) {
        std::size_t close = s.find('}', i + 2);
        if (close == std::string_view::npos) break;
        std::string_view name = s.substr(i + 2, close - i - 2);
        // "${${a}}": the inner reference is the candidate, not the outer.
        if (auto inner = name.find("${"); inner != std::string_view::npos) {
            i += 2 + inner;
            continue;
        }
        if (valid_name(name)) {
            out.push_back({i, close + 1, name});
            i = close + 1;
        } else {
            i += 2;
        }
    }
    return out;
}

}  // namespace sift::vm
