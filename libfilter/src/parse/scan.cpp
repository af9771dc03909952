#include "parse/scan.hpp"

#include <algorithm>

namespace sift::parse::scan {

std::size_t token_end(std::string_view source, std::size_t offset) {
    auto const first = source.begin();
    auto const last = source.end();
    auto at = first + std::ptrdiff_t(std::min(offset, source.size()));
    if (at == last) return source.size();
    if (*at == '"') return std::size_t(past_quoted(at, last) - first);
    if (chars::starts_text_colon(at, last)) {
        auto const end = past_multiline(at, last);  // at the "." line's LF, which the token includes
        return std::size_t((end == last ? end : std::next(end)) - first);
    }
    if (*at == '[') {
        for (++at; at != last;) {
            if (*at == ']') return std::size_t(std::next(at) - first);
            if (*at == '"') {
                at = past_quoted(at, last);
            } else if (*at == '#' || (*at == '/' && std::next(at) != last && *std::next(at) == '*')) {
                at = past_comment(at, last);
            } else if ((*at == 't' || *at == 'T') && chars::starts_text_colon(at, last)) {
                at = past_multiline(at, last);
            } else {
                ++at;
            }
        }
        return source.size();
    }
    if (*at == ':') ++at;
    while (at != last && chars::is_word(*at)) ++at;
    return std::size_t(at - first);
}

}  // namespace sift::parse::scan
