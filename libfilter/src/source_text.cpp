// Columns count characters, not bytes (sift/diagnostic.hpp): ICU's UTF-8
// macros step over one code point, or over one ill-formed subsequence as
// a single replacement character would stand for it, so Latin-1 bytes in
// a script still move the caret one column each.
#include "source_text.hpp"

#include <unicode/utf8.h>

#include <algorithm>
#include <cstdint>

namespace sift {
namespace {

std::size_t start_of_line(std::string_view source, std::size_t offset) {
    auto const newline = source.substr(0, offset).rfind('\n');
    return newline == std::string_view::npos ? 0 : newline + 1;
}

// The byte offset `chars` characters into `text` (its size if shorter).
std::size_t advance(std::string_view text, std::size_t chars) {
    auto const* s = reinterpret_cast<const std::uint8_t*>(text.data());
    auto const length = static_cast<std::int32_t>(text.size());
    std::int32_t at = 0;
    for (; chars > 0 && at < length; --chars) U8_FWD_1(s, at, length);
    return static_cast<std::size_t>(at);
}

std::size_t characters(std::string_view text) {
    auto const* s = reinterpret_cast<const std::uint8_t*>(text.data());
    auto const length = static_cast<std::int32_t>(text.size());
    std::size_t count = 0;
    for (std::int32_t at = 0; at < length; ++count) U8_FWD_1(s, at, length);
    return count;
}

// The excerpt of `line` with the caret `caret` characters in: the whole
// line, or max_excerpt_columns characters of it around the caret (a third
// before it) with "..." where it was cut. Sets the caret's column in it.
std::string excerpt_of(std::string_view line, std::size_t caret, unsigned& excerpt_column) {
    std::size_t const total = characters(line);
    if (total <= max_excerpt_columns) {
        excerpt_column = unsigned(caret + 1);
        return std::string(line);
    }
    std::size_t first = caret > max_excerpt_columns / 3 ? caret - max_excerpt_columns / 3 : 0;
    first = std::min(first, total - max_excerpt_columns);
    std::size_t const begin = advance(line, first);
    std::string_view const shown = line.substr(begin, advance(line.substr(begin), max_excerpt_columns));
    std::string out = first > 0 ? "..." : "";
    out += shown;
    if (first + max_excerpt_columns < total) out += "...";
    excerpt_column = unsigned(caret - first + 1 + (first > 0 ? 3 : 0));
    return out;
}

}  // namespace

line_column locate(std::string_view source, std::size_t offset) {
    offset = std::min(offset, source.size());
    std::size_t const begin = start_of_line(source, offset);
    auto const lines = std::count(source.begin(), source.begin() + std::ptrdiff_t(begin), '\n');
    return {unsigned(lines + 1), unsigned(characters(source.substr(begin, offset - begin)) + 1)};
}

std::string_view line_at(std::string_view source, std::size_t offset) {
    offset = std::min(offset, source.size());
    std::size_t const begin = start_of_line(source, offset);
    std::size_t end = source.find('\n', offset);
    if (end == std::string_view::npos) end = source.size();
    std::string_view line = source.substr(begin, end - begin);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
}

diagnostic make_diagnostic(std::string_view source, const std::string& file, std::size_t offset,
                           std::string message, severity level) {
    auto const at = locate(source, offset);
    diagnostic d{
        .file = file, .line = at.line, .column = at.column, .level = level, .message = std::move(message)};
    d.excerpt = excerpt_of(line_at(source, offset), at.column - 1, d.excerpt_column);
    return d;
}

void add_note(diagnostic& d, std::string_view source, std::size_t offset, std::string message) {
    d.notes.push_back(make_diagnostic(source, d.file, offset, std::move(message), severity::note));
}

namespace {

std::string caret_line(const diagnostic& d) {
    std::string caret;
    // Keep tabs so the caret lines up under the excerpt in a terminal.
    std::size_t at = 0;
    for (unsigned column = 1; column < d.excerpt_column && at < d.excerpt.size(); ++column) {
        caret += d.excerpt[at] == '\t' ? '\t' : ' ';
        at += advance(std::string_view(d.excerpt).substr(at), 1);
    }
    return caret + '^';
}

const char* label(severity level) {
    switch (level) {
        case severity::error:
            return ": error: ";
        case severity::warning:
            return ": warning: ";
        case severity::note:
            return ": note: ";
    }
    return ": ";
}

void append(std::string& out, const diagnostic& d, bool show_excerpt) {
    out += d.file.empty() ? std::string("<script>") : d.file;
    if (d.line > 0) out += ":" + std::to_string(d.line) + ":" + std::to_string(d.column);
    out += label(d.level);
    out += d.message;
    out += '\n';
    if (d.line > 0 && show_excerpt) {
        out += d.excerpt;
        out += '\n';
        out += caret_line(d);
        out += '\n';
    }
}

}  // namespace

std::string format(const diagnostic& d) {
    std::string out;
    append(out, d, true);
    // A note where the error itself is would only repeat its excerpt.
    for (const auto& note : d.notes) append(out, note, note.line != d.line || note.column != d.column);
    return out;
}

std::string format(const std::vector<diagnostic>& ds) {
    std::string out;
    for (const auto& d : ds) out += format(d);
    return out;
}

}  // namespace sift
