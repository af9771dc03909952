#include "source_text.hpp"

#include <algorithm>

namespace sift {

line_column locate(std::string_view source, std::size_t offset) {
    offset = std::min(offset, source.size());
    line_column at;
    for (std::size_t i = 0; i < offset; ++i) {
        if (source[i] == '\n') {
            ++at.line;
            at.column = 1;
        } else {
            ++at.column;
        }
    }
    return at;
}

std::string_view line_at(std::string_view source, std::size_t offset) {
    offset = std::min(offset, source.size());
    std::size_t begin = offset;
    while (begin > 0 && source[begin - 1] != '\n') --begin;
    std::size_t end = source.find('\n', offset);
    if (end == std::string_view::npos) end = source.size();
    std::string_view line = source.substr(begin, end - begin);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
}

diagnostic make_diagnostic(std::string_view source, const std::string& file, std::size_t offset,
                           std::string message, severity level) {
    auto at = locate(source, offset);
    return diagnostic{
        file, at.line, at.column, level, std::move(message), std::string(line_at(source, offset))};
}

static std::string caret_line(const diagnostic& d) {
    std::string caret;
    // Keep tabs so the caret lines up under the excerpt in a terminal.
    for (unsigned i = 1; i < d.column && i - 1 < d.excerpt.size(); ++i)
        caret += d.excerpt[i - 1] == '\t' ? '\t' : ' ';
    return caret + '^';
}

std::string format(const diagnostic& d) {
    std::string out = d.file.empty() ? std::string("<script>") : d.file;
    if (d.line > 0) out += ":" + std::to_string(d.line) + ":" + std::to_string(d.column);
    out += d.level == severity::error ? ": error: " : ": warning: ";
    out += d.message;
    out += '\n';
    if (d.line > 0) {
        out += d.excerpt;
        out += '\n';
        out += caret_line(d);
        out += '\n';
    }
    return out;
}

std::string format(const std::vector<diagnostic>& ds) {
    std::string out;
    for (const auto& d : ds) out += format(d);
    return out;
}

}  // namespace sift
