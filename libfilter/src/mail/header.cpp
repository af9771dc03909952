#include "mail/header.hpp"

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace sift::mail {

namespace {

// One line: [begin, end) is its content, `next` where the following starts.
// Only LF ends a line; a CR counts as part of the ending only right before it.
struct line {
    std::size_t begin, end, next;
};

line line_at(std::string_view text, std::size_t pos) {
    const void* nl = std::memchr(text.data() + pos, '\n', text.size() - pos);
    if (nl == nullptr) {
        return {pos, text.size(), text.size()};
    }
    std::size_t lf = static_cast<const char*>(nl) - text.data();
    std::size_t end = (lf > pos && text[lf - 1] == '\r') ? lf - 1 : lf;
    return {pos, end, lf + 1};
}

// RFC 5322 ftext: printable US-ASCII except the colon.
bool is_field_name(std::string_view name) {
    if (name.empty()) {
        return false;
    }
    for (char c : name) {
        if (c < 33 || c > 126) {
            return false;
        }
    }
    return true;
}

// Where the value of a field line starts (just after the colon), or npos when
// the line does not start a field.
std::size_t field_value_start(std::string_view text, line ln, std::string_view& name) {
    std::string_view content = text.substr(ln.begin, ln.end - ln.begin);
    std::size_t colon = content.find(':');
    if (colon == std::string_view::npos) {
        return std::string_view::npos;
    }
    std::string_view n = content.substr(0, colon);
    while (!n.empty() && is_wsp(n.back())) {
        n.remove_suffix(1);
    }
    if (!is_field_name(n)) {
        return std::string_view::npos;
    }
    name = n;
    return ln.begin + colon + 1;
}

// A short, printable excerpt of a line for a defect's detail.
std::string excerpt(std::string_view line) {
    constexpr std::size_t max_excerpt = 60;
    std::string out;
    for (char c : line.substr(0, max_excerpt)) out += (c >= 32 && c < 127) ? c : '?';
    if (line.size() > max_excerpt) out += "...";
    return out;
}

// RFC 5322 ftext (printable US-ASCII except the colon), as a table: the
// splitter tests every byte of every field name.
struct ftext_table {
    bool yes[256] = {};
    constexpr ftext_table() {
        for (int c = 33; c <= 126; ++c) yes[c] = c != ':';
    }
};
constexpr ftext_table ftext;

// The first '\n' in [p, end), or end. Inline (a header line is short: a
// call to memchr cost more than the scan), sixteen bytes a step with SSE2.
inline const char* find_lf(const char* p, const char* end) noexcept {
#if defined(__SSE2__)
    const __m128i lf = _mm_set1_epi8('\n');
    for (; end - p >= 16; p += 16) {
        auto hits = unsigned(
            _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)), lf)));
        if (hits) return p + __builtin_ctz(hits);
    }
#endif
    while (p < end && *p != '\n') ++p;
    return p;
}

// Where the field name that may start at p ends: the first byte of
// [p, end) that is not ftext. Sixteen bytes a step with SSE2 (the splitter
// reads every byte of every name; a name is mostly 4 to 30 bytes): as
// signed bytes, everything below 33 and every non-ASCII byte compare below
// 33, and DEL and the colon are the other two bytes ftext leaves out.
inline const char* find_name_end(const char* p, const char* end) noexcept {
#if defined(__SSE2__)
    const __m128i below = _mm_set1_epi8(33);
    const __m128i del = _mm_set1_epi8(127);
    const __m128i colon = _mm_set1_epi8(':');
    for (; end - p >= 16; p += 16) {
        __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        __m128i other = _mm_or_si128(_mm_cmpeq_epi8(v, del), _mm_cmpeq_epi8(v, colon));
        auto hits = unsigned(_mm_movemask_epi8(_mm_or_si128(_mm_cmplt_epi8(v, below), other)));
        if (hits) return p + __builtin_ctz(hits);
    }
#endif
    while (p < end && ftext.yes[static_cast<unsigned char>(*p)]) ++p;
    return p;
}

// One pass over the section, line by line: a line's first byte says what
// it is (blank, field or not a header line); a field's name is checked in
// the loop that finds its colon, its line's end and those of its
// continuation lines (which start with WSP) found by find_lf, and the
// field added when its last line is known, so nothing about it is kept
// between iterations; its key is made from the name in constant time
// (name_key).
class block_splitter {
public:
    block_splitter(std::string_view text, header_limits limits, std::vector<header_field>& out,
                   defect_list* defects)
        : text_(text),
          limits_(limits),
          out_(out),
          defects_(defects),
          room_(limits.max_fields > out.size() ? limits.max_fields - out.size() : 0) {}

    std::size_t run() {
        const char* const base = text_.data();
        const char* const end = base + text_.size();
        const char* p = base;
        // One allocation, not six, for a usual section (12 to 20 fields);
        // 24 fields are 960 bytes, which glibc's per-thread cache (blocks
        // up to 1,032 bytes) hands out and takes back in a few dozen
        // instructions: 32 (1,280 bytes) cost ~630 a message in malloc.
        if (out_.capacity() - out_.size() < 24) out_.reserve(out_.size() + 24);
        for (std::size_t number = 1; p < end; ++number) {
            char first = *p;
            if (first == '\n') return finish(offset(p + 1));  // the blank line
            if (first == '\r' && p + 1 < end && p[1] == '\n') return finish(offset(p + 2));
            // A line starting with WSP here continues no field: its name is empty.
            const char* q = find_name_end(p, end);
            const char* name_end = q;
            while (q < end && is_wsp(*q)) ++q;  // obs-optional WSP before the colon
            if (q == end || *q != ':' || name_end == p) {
                const char* lf = find_lf(p, end);
                record(defect_kind::header_line_malformed,
                       "line " + std::to_string(number) + " is not a header field: \"" +
                           excerpt(text_.substr(offset(p), line_content_end(p, lf) - offset(p))) +
                           "\"; the header section ends there and the rest is read as body");
                return finish(offset(p));  // not a header line: the body starts here
            }
            const std::string_view name(p, static_cast<std::size_t>(name_end - p));
            const char* value = q + 1;
            const char* lf = find_lf(value, end);
            std::size_t value_end = line_content_end(value, lf);
            p = lf == end ? end : lf + 1;
            while (p < end && is_wsp(*p)) {  // a continuation line: the value goes on
                ++number;
                lf = find_lf(p + 1, end);
                value_end = line_content_end(p, lf);
                p = lf == end ? end : lf + 1;
            }
            add(name, offset(value), value_end);
        }
        return finish(text_.size());
    }

private:
    std::size_t offset(const char* p) const { return static_cast<std::size_t>(p - text_.data()); }

    // Where the content of the line [begin, lf) ends: a CR right before
    // the LF is part of the line ending, any other CR is content.
    std::size_t line_content_end(const char* begin, const char* lf) const {
        const char* const end = text_.data() + text_.size();
        return offset(lf != end && lf > begin && lf[-1] == '\r' ? lf - 1 : lf);
    }

    void add(std::string_view name, std::size_t value_begin, std::size_t value_end) {
        if (room_ == 0) {
            ++dropped_;
            return;
        }
        --room_;
        std::size_t len = value_end - value_begin;
        if (len > limits_.max_field_bytes) {
            if (cut_++ == 0) first_cut_ = {name, len};
            len = limits_.max_field_bytes;
        }
        out_.push_back({name, text_.substr(value_begin, len), name_key(name)});
    }

    std::size_t finish(std::size_t body) {
        if (dropped_ > 0)
            record(defect_kind::header_fields_dropped,
                   std::to_string(dropped_) + " header field(s) after the " +
                       std::to_string(limits_.max_fields) + "th are not indexed");
        if (cut_ > 0)
            record(defect_kind::header_value_cut,
                   "the value of " + std::string(first_cut_.first) + " (" +
                       std::to_string(first_cut_.second) + " bytes) is cut at " +
                       std::to_string(limits_.max_field_bytes) + " bytes" +
                       (cut_ > 1 ? ", and " + std::to_string(cut_ - 1) + " more value(s)" : ""));
        return body;
    }

    void record(defect_kind kind, std::string detail) {
        if (defects_) defects_->push_back({kind, std::move(detail)});
    }

    std::string_view text_;
    header_limits limits_;
    std::vector<header_field>& out_;
    defect_list* defects_;
    std::size_t room_;  // fields out_ may still take (max_fields)
    std::size_t dropped_ = 0;
    std::size_t cut_ = 0;
    std::pair<std::string_view, std::size_t> first_cut_;
};

}  // namespace

std::size_t split_header_block(std::string_view text, header_limits limits, std::vector<header_field>& out,
                               defect_list* defects) {
    return block_splitter(text, limits, out, defects).run();
}

std::size_t mbox_from_line(std::string_view text) noexcept {
    if (!text.starts_with("From ")) {
        return 0;
    }
    line ln = line_at(text, 0);
    std::string_view name;
    if (field_value_start(text, ln, name) != std::string_view::npos) {
        return 0;  // "From : x", an obsolete-syntax From field
    }
    return ln.next;
}

std::string read_quoted(std::string_view s, std::size_t& at) {
    std::string out;
    ++at;
    while (at < s.size() && s[at] != '"') {
        char c = s[at++];
        if (c == '\\' && at < s.size()) {
            out += s[at++];
        } else if (c != '\r' && c != '\n') {
            out += c;
        }
    }
    at = std::min(at + 1, s.size());
    return out;
}

std::size_t end_of_comment(std::string_view s, std::size_t at) noexcept {
    int depth = 0;
    while (at < s.size()) {
        char c = s[at++];
        if (c == '\\' && at < s.size()) {
            ++at;
        } else if (c == '(') {
            ++depth;
        } else if (c == ')' && --depth == 0) {
            break;
        }
    }
    return at;
}

}  // namespace sift::mail
