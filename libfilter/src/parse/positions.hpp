// Line and column of the offsets the grammar records. Nodes are met in
// source order (backtracking returns to them only rarely), so a cursor that
// remembers the line it reached scans the script once, while it is parsed,
// instead of a second walk over the finished tree. Lines start after each
// LF, as in sift::locate(); columns count bytes.
#pragma once

#include "parse/ast.hpp"

#include <cstdint>
#include <string_view>

namespace sift::parse {

class line_cursor {
public:
    explicit line_cursor(std::string_view text) : text_(text) {}

    ast::position at(std::uint32_t offset) {
        if (offset < scanned_) rewind(offset);
        for (; scanned_ < offset; ++scanned_) {
            if (text_[scanned_] == '\n') {
                ++line_;
                line_start_ = scanned_ + 1;
            }
        }
        return {line_, offset - line_start_ + 1, offset};
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
