// Line and column of the offsets the grammar records. Nodes are met in
// source order (backtracking returns to them only rarely), so a cursor that
// remembers the line it reached scans the script once, while it is parsed,
// instead of a second walk over the finished tree. Lines start after each
// LF, as in sift::locate(); columns count bytes.
#pragma once

#include "parse/ast.hpp"

#include <cstdint>
#include <cstring>
#include <string_view>

namespace sift::parse {

class line_cursor {
public:
    explicit line_cursor(std::string_view text) : text_(text) {}

    ast::position at(std::uint32_t offset) {
        if (offset < scanned_) rewind(offset);
        // Locals: the members could alias the text, and would be stored
        // back at every character.
        unsigned line = line_;
        std::uint32_t line_start = line_start_;
        char const* const base = text_.data();
        char const* const end = base + offset;
        for (char const* at = base + scanned_;
             (at = static_cast<char const*>(std::memchr(at, '\n', std::size_t(end - at)))) != nullptr; ++at) {
            ++line;
            line_start = std::uint32_t(at - base) + 1;
        }
        scanned_ = offset;
        line_ = line;
        line_start_ = line_start;
        return {line, offset - line_start + 1, offset};
    }

private:
    void rewind(std::uint32_t offset) {
        while (scanned_ > offset)
            if (text_[--scanned_] == '\n') --line_;
        line_start_ = scanned_;
        while (line_start_ > 0 && text_[line_start_ - 1] != '\n') --line_start_;
    }

    std::string_view text_;
    std::uint32_t scanned_ = 0;  // text_[0, scanned_) is counted
    unsigned line_ = 1;
    std::uint32_t line_start_ = 0;
};

}  // namespace sift::parse
