// ASCII case for the milter's protocol strings (domains, ESMTP keywords,
// header names, SRS fields): A-Z only, whatever the process's locale.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>

namespace sift::milter {

inline char ascii_lower(char c) {
    return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c;
}

inline std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = ascii_lower(c);
    return out;
}

inline bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return ascii_lower(x) == ascii_lower(y);
           });
}

}  // namespace sift::milter
