#include "mail/header.hpp"

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>

namespace sift::mail {

bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (ascii_lower(a[i]) != ascii_lower(b[i])) {
            return false;
        }
    }
    return true;
}

std::string_view trim_wsp(std::string_view s) noexcept {
    while (!s.empty() && is_wsp(s.front())) {
        s.remove_prefix(1);
    }
    while (!s.empty() && is_wsp(s.back())) {
        s.remove_suffix(1);
    }
    return s;
}

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

class block_splitter {
public:
    block_splitter(std::string_view text, header_limits limits, std::vector<header_field>& out,
                   defect_list* defects)
        : text_(text), limits_(limits), out_(out), defects_(defects) {}

    std::size_t run() {
        std::size_t pos = 0;
        for (std::size_t number = 1; pos < text_.size(); ++number) {
            char first = text_[pos];
            if (first == '\n' || (first == '\r' && pos + 1 < text_.size() && text_[pos + 1] == '\n')) {
                return finish(pos + (first == '\n' ? 1 : 2));  // the blank line
            }
            if (is_wsp(first) && open_) {
                line ln = line_at(text_, pos);
                value_end_ = ln.end;
                pos = ln.next;
            } else if (std::size_t next = start_field(pos); next != 0) {
                pos = next;
            } else {
                line ln = line_at(text_, pos);
                record(defect_kind::header_line_malformed,
                       "line " + std::to_string(number) + " is not a header field: \"" +
                           excerpt(text_.substr(ln.begin, ln.end - ln.begin)) +
                           "\"; the header section ends there and the rest is read as body");
                return finish(pos);  // not a header line: the body starts here
            }
        }
        return finish(text_.size());
    }

private:
    // Starts the field whose line begins at `pos` and returns where the
    // next line starts, or 0 when the line is not a field. The name is
    // checked and hashed in the one pass that finds the colon (this runs
    // for every field of every message); the rules are field_value_start's.
    std::size_t start_field(std::size_t pos) {
        const char* p = text_.data() + pos;
        const char* end = text_.data() + text_.size();
        std::uint32_t key = 2166136261u;  // name_key(), as the bytes go by
        const char* q = p;
        while (q < end && *q >= 33 && *q <= 126 && *q != ':') {
            key = (key ^ static_cast<unsigned char>(ascii_lower(*q))) * 16777619u;
            ++q;
        }
        const char* name_end = q;
        while (q < end && is_wsp(*q)) ++q;  // obs-optional WSP before the colon
        if (q == end || *q != ':' || name_end == p) {
            return 0;
        }
        flush();
        line ln = line_at(text_, static_cast<std::size_t>(q - text_.data()) + 1);
        open_ = true;
        name_ = std::string_view(p, static_cast<std::size_t>(name_end - p));
        key_ = key;
        value_begin_ = ln.begin;
        value_end_ = ln.end;
        return ln.next;
    }

    void flush() {
        if (!open_) {
            return;
        }
        open_ = false;
        if (out_.size() >= limits_.max_fields) {
            ++dropped_;
            return;
        }
        std::size_t len = value_end_ - value_begin_;
        if (len > limits_.max_field_bytes) {
            if (cut_++ == 0) first_cut_ = {name_, len};
            len = limits_.max_field_bytes;
        }
        out_.push_back({name_, text_.substr(value_begin_, len), key_});
    }

    std::size_t finish(std::size_t body) {
        flush();
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
    bool open_ = false;
    std::string_view name_;
    std::uint32_t key_ = 0;
    std::size_t value_begin_ = 0;
    std::size_t value_end_ = 0;
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
