// Line and column of the offsets the grammar records. The script's line
// starts are found once, with memchr, before parsing; nodes are met in
// source order (backtracking returns to them only rarely), so a cursor
// over those starts answers each offset in a step or two instead of a
// second walk over the finished tree. Lines start after each LF, as in
// sift::locate(); columns count bytes here (a diagnostic counts them in
// characters again from the offset, source_text.cpp).
#pragma once

#include "parse/ast.hpp"

#include <cstdint>
#include <cstring>
#include <string_view>

namespace sift::parse {

class line_cursor {
public:
    explicit line_cursor(std::string_view text) {
        starts_.push_back(0);
        char const* const base = text.data();
        char const* const end = base + text.size();
        for (char const* at = base;
             at != end &&
             (at = static_cast<char const*>(std::memchr(at, '\n', std::size_t(end - at)))) != nullptr;)
            starts_.push_back(std::uint32_t(++at - base));
    }

    ast::position at(std::uint32_t offset) {
        std::size_t line = line_;
        while (line > 0 && starts_[line] > offset) --line;
        while (line + 1 < starts_.size() && starts_[line + 1] <= offset) ++line;
        line_ = line;
        return {unsigned(line + 1), offset - starts_[line] + 1, offset};
    }

private:
    ast::list<std::uint32_t> starts_;  // offset of each line's first byte (from the tree's arena)
    std::size_t line_ = 0;             // index of the line last answered
};

}  // namespace sift::parse
