#include "mail/mime.hpp"

#include <boost/container/small_vector.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

namespace sift::mail {

namespace {

// Recursion is bounded by max_mime_depth; this caps it whatever the
// configuration says, so a careless limit cannot exhaust a thread's stack.
constexpr unsigned hard_depth_cap = 256;

// Header fields indexed in a whole tree, as a multiple of max_headers: real
// mail stays far below it, while 5000 parts of 10000 one-line fields each
// would otherwise cost gigabytes.
constexpr std::size_t tree_field_factor = 8;

// RFC 2045 tspecials, plus space and controls, end a token.
constexpr std::array<bool, 256> token_chars = [] {
    std::array<bool, 256> table{};
    constexpr std::string_view tspecials = "()<>@,;:\\\"/[]?=";
    for (unsigned c = '!'; c < 256; ++c)
        table[c] = c != 127 && tspecials.find(char(c)) == std::string_view::npos;
    return table;
}();

bool is_token_char(char c) {
    return token_chars[static_cast<unsigned char>(c)];
}

// s into `out`, whose buffer is reused: the parsers below write into a
// part's own strings, not into temporaries moved there. Cleared and
// appended, not assign()ed: assign goes through _M_replace, which allows
// for `s` inside `out` (about 75 instructions a call for a short value,
// and a part's type, subtype and each parameter's name and value take
// one each); `s` here never is.
void assign_text(std::string& out, std::string_view s) {
    out.clear();
    out.append(s);
}

// ascii_lower(s) into `out`, as assign_text.
void assign_lower(std::string& out, std::string_view s) {
    assign_text(out, s);
    for (char& c : out) c = ascii_lower(c);
}

// A reader for structured MIME fields: tokens, quoted strings and comments
// (RFC 2045 §5.1, RFC 822 §3.3), folding treated as whitespace.
class field_lexer {
public:
    explicit field_lexer(std::string_view s) : s_(s) {}

    bool at_end() const { return i_ >= s_.size(); }
    char peek() const { return at_end() ? '\0' : s_[i_]; }

    bool eat(char c) {
        if (peek() != c || at_end()) {
            return false;
        }
        ++i_;
        return true;
    }

    void skip_cfws() {
        while (!at_end()) {
            char c = s_[i_];
            if (is_wsp(c) || c == '\r' || c == '\n') {
                ++i_;
            } else if (c == '(') {
                skip_comment();
            } else {
                return;
            }
        }
    }

    std::string_view token() {
        std::size_t b = i_;
        while (!at_end() && is_token_char(s_[i_])) {
            ++i_;
        }
        return s_.substr(b, i_ - b);
    }

    // At the opening quote; an unterminated string runs to the end. The
    // text goes into `out`.
    void quoted(std::string& out) {
        // Most quoted strings hold no quoted-pair nor folding: their text
        // as it is, which read_quoted would copy a character at a time.
        for (std::size_t e = i_ + 1; e < s_.size(); ++e) {
            char c = s_[e];
            if (c == '"') {
                assign_text(out, s_.substr(i_ + 1, e - i_ - 1));
                i_ = e + 1;
                return;
            }
            if (c == '\\' || c == '\r' || c == '\n') break;
        }
        out = read_quoted(s_, i_);
    }

    // Real mail has unquoted values with spaces ("name=my file.exe"): the
    // value runs to the next ';', less a trailing comment. Into `out`.
    void unquoted(std::string& out) {
        std::size_t b = i_;
        std::size_t e = s_.find(';', b);
        e = e == std::string_view::npos ? s_.size() : e;
        i_ = e;
        std::string_view v = s_.substr(b, e - b);
        std::size_t comment = v.find('(');
        if (comment != std::string_view::npos && comment > 0 && is_wsp(v[comment - 1])) {
            v = v.substr(0, comment);
        }
        v = trim_wsp(v);
        if (v.find('\n') == std::string_view::npos && v.find('\r') == std::string_view::npos) {
            assign_text(out, v);  // what the loop below makes of it
            return;
        }
        std::string joined;
        for (char c : v) {
            if (c != '\r' && c != '\n') {
                joined += c;
            }
        }
        out.assign(trim_wsp(joined));
    }

    void skip_past(char c) {
        std::size_t p = s_.find(c, i_);
        i_ = p == std::string_view::npos ? s_.size() : p;
    }

private:
    void skip_comment() { i_ = end_of_comment(s_, i_); }

    std::string_view s_;
    std::size_t i_ = 0;
};

// One "name=value" as written, with its RFC 2231 marks taken apart.
struct raw_param {
    std::string base;  // lower-cased name without "*..."
    int segment = -1;  // continuation number, -1 when not continued
    bool extended = false;
    std::string value;
};

// A field's parameters as written: on the stack for the usual one to
// four (charset, boundary, name, format), as a vector costs an allocation
// for every Content-Type and Content-Disposition of every part.
using raw_params = boost::container::small_vector<raw_param, 4>;

// p.base, p.segment and p.extended from the name as written.
void split_param_name(std::string_view name, raw_param& p) {
    assign_lower(p.base, name);
    std::size_t star = name.find('*');
    if (star == std::string_view::npos || star == 0) {
        return;
    }
    std::string_view rest = name.substr(star + 1);
    bool extended = !rest.empty() && rest.back() == '*';
    std::string_view digits = extended ? rest.substr(0, rest.size() - 1) : rest;
    if (rest.empty()) {
        extended = true;  // "name*="
    } else if (digits.empty() || digits.size() > 4 ||
               !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return;  // not RFC 2231 after all: keep the name as written
    }
    assign_lower(p.base, name.substr(0, star));
    p.extended = extended;
    p.segment = digits.empty() ? -1 : std::stoi(std::string(digits));
}

// The next parameter's name, the lexer left at its value: ";" name "="
// with comments and folding around them. Junk between parameters and a
// name without "=" are passed over; false at the end of the field.
bool next_param(field_lexer& lx, std::string_view& name) {
    while (true) {
        lx.skip_cfws();
        if (lx.at_end()) {
            return false;
        }
        if (!lx.eat(';')) {
            lx.skip_past(';');  // junk between parameters
            continue;
        }
        lx.skip_cfws();
        name = lx.token();
        lx.skip_cfws();
        if (name.empty() || !lx.eat('=')) {
            continue;
        }
        lx.skip_cfws();
        return true;
    }
}

// A parameter's value, quoted-string or token, into `value`.
void read_param_value(field_lexer& lx, std::string& value) {
    if (lx.peek() == '"')
        lx.quoted(value);
    else
        lx.unquoted(value);
}

raw_params read_raw_params(field_lexer& lx) {
    raw_params out;
    std::string_view name;
    while (next_param(lx, name)) {
        raw_param& p = out.emplace_back();  // filled in place: no strings moved
        read_param_value(lx, p.value);
        split_param_name(name, p);
    }
    return out;
}

// RFC 2231 §4: "charset'language'%XX..." in the first extended segment.
void append_extended(std::string_view v, bool first, std::string& charset, std::string& bytes) {
    if (first) {
        std::size_t q1 = v.find('\'');
        std::size_t q2 = q1 == std::string_view::npos ? q1 : v.find('\'', q1 + 1);
        if (q2 != std::string_view::npos) {
            charset = std::string(v.substr(0, q1));
            v = v.substr(q2 + 1);
        }
    }
    append_percent_decoded(v, bytes);
}

// Joins the segments of one parameter (RFC 2231 §3: in order from 0, up to
// the first missing number) and converts the result to UTF-8.
std::string assemble(std::vector<const raw_param*> segs) {
    std::sort(segs.begin(), segs.end(),
              [](const raw_param* a, const raw_param* b) { return a->segment < b->segment; });
    std::string charset, bytes;
    bool any_extended = false;
    int expected = segs.front()->segment < 0 ? -1 : 0;
    for (const raw_param* s : segs) {
        if (s->segment != expected) {
            break;
        }
        if (s->extended) {
            append_extended(s->value, s == segs.front(), charset, bytes);
            any_extended = true;
        } else {
            bytes += s->value;
        }
        if (expected < 0) {
            break;
        }
        ++expected;
    }
    return any_extended ? to_utf8(bytes, charset) : bytes;
}

// Which form of a parameter wins when several are given: "name*", then
// "name*0...", then plain "name".
int form_rank(const raw_param& p) {
    return p.segment < 0 ? (p.extended ? 0 : 2) : 1;
}

// RFC 2047 §5 forbids encoded words in a quoted string, but Outlook and
// many others send filename="=?utf-8?B?...?=" instead of RFC 2231's form,
// and mail clients show the decoded name; so file names are decoded like
// RFC 2231 ones. Only these: a boundary or charset is matched as written.
bool is_name_param(std::string_view base) {
    return base == "name" || base == "filename";
}

// `raw` is used up: the name, and a plain value, of a parameter given once
// are moved into the result. Later ones are still compared with it, its
// name emptied by the move, which equals no other (token() is never empty)
// as its name equalled no other.
mime_params combine_params(raw_params raw) {
    mime_params out;
    out.reserve(raw.size());
    for (raw_param& p : raw) {
        if (find_param(out, p.base) != nullptr) {
            continue;
        }
        int best = 3;
        std::size_t forms = 0;
        for (const raw_param& q : raw) {
            if (q.base == p.base) {
                best = std::min(best, form_rank(q));
                ++forms;
            }
        }
        mime_param& m = out.emplace_back();
        std::string& value = m.value;
        if (forms == 1 && best == 2) {
            value = std::move(p.value);  // one plain "name=value": what assemble makes of it
        } else {
            std::vector<const raw_param*> segs;
            for (const raw_param& q : raw) {
                if (q.base == p.base && form_rank(q) == best) {
                    segs.push_back(&q);
                }
            }
            value = assemble(std::move(segs));
        }
        if (is_name_param(p.base) && value.find("=?") != std::string::npos) {
            value = decode_encoded_words(value);
        }
        if (forms == 1)
            m.name = std::move(p.base);
        else
            m.name = p.base;
    }
    return out;
}

// The usual parameters, each name given once and none with RFC 2231's
// '*' marks, read straight into `out`: what combine_params makes of such
// a list is each one as written, in order, so the raw list (its strings
// copied, moved and freed for every Content-Type of every part) is not
// needed. False, `out` half filled, at the first parameter that is not
// such a one: then the general path reads the list again.
bool read_plain_params(field_lexer& lx, mime_params& out) {
    out.clear();
    std::string_view name;
    while (next_param(lx, name)) {
        if (name.find('*') != std::string_view::npos) {
            return false;
        }
        for (const mime_param& m : out) {
            if (iequals(m.name, name)) return false;  // given twice: combine_params decides
        }
        mime_param& m = out.emplace_back();
        read_param_value(lx, m.value);
        assign_lower(m.name, name);
        if (is_name_param(m.name) && m.value.find("=?") != std::string::npos) {
            m.value = decode_encoded_words(m.value);
        }
    }
    return true;
}

// A field's parameters into `params`: the plain path, else the general one.
void read_params(field_lexer& lx, mime_params& params) {
    const field_lexer start = lx;
    if (!read_plain_params(lx, params)) {
        lx = start;
        params = combine_params(read_raw_params(lx));
    }
}

}  // namespace

const mime_param* find_param(const mime_params& params, std::string_view name) {
    for (const mime_param& p : params) {
        if (iequals(p.name, name)) {
            return &p;
        }
    }
    return nullptr;
}

namespace {

// parse_content_type() into the given strings, which are left as they are
// when the value is not type/subtype (false): the tree builder reads a
// part's Content-Type straight into the part.
bool read_content_type(std::string_view value, std::string& type, std::string& subtype, mime_params& params) {
    field_lexer lx(value);
    lx.skip_cfws();
    std::string_view t = lx.token();
    lx.skip_cfws();
    if (t.empty() || !lx.eat('/')) {
        return false;
    }
    lx.skip_cfws();
    std::string_view st = lx.token();
    if (st.empty()) {
        return false;
    }
    assign_lower(type, t);
    assign_lower(subtype, st);
    read_params(lx, params);
    return true;
}

void read_content_disposition(std::string_view value, std::string& type, mime_params& params) {
    field_lexer lx(value);
    lx.skip_cfws();
    assign_lower(type, lx.token());
    read_params(lx, params);
}

}  // namespace

content_type parse_content_type(std::string_view value) {
    content_type ct;
    read_content_type(value, ct.type, ct.subtype, ct.params);
    return ct;
}

content_disposition parse_content_disposition(std::string_view value) {
    content_disposition cd;
    read_content_disposition(value, cd.type, cd.params);
    return cd;
}

const header_field* mime_part::header(field_name name) const {
    for (const header_field& f : headers) {
        if (has_name(f, name)) {
            return &f;
        }
    }
    return nullptr;
}

std::string_view mime_part::param(std::string_view name) const {
    const mime_param* p = find_param(params, name);
    return p ? std::string_view(p->value) : std::string_view();
}

std::string_view mime_part::charset() const {
    const mime_param* p = find_param(params, "charset");
    if (p != nullptr) {
        return p->value;
    }
    return type == "text" ? "us-ascii" : "";
}

namespace {

struct delimiter {
    std::size_t line_start = 0;  // where "--boundary" starts
    std::size_t next = 0;        // just after the delimiter line
    bool close = false;
};

// RFC 2046 §5.1.1: a delimiter line is "--" boundary ["--"] then transport
// padding; it has to start a line.
std::optional<delimiter> find_delimiter(std::string_view body, std::string_view dash_boundary,
                                        std::size_t from) {
    for (std::size_t p = body.find(dash_boundary, from); p != std::string_view::npos;
         p = body.find(dash_boundary, p + 1)) {
        if (p != 0 && body[p - 1] != '\n') {
            continue;
        }
        std::size_t q = p + dash_boundary.size();
        bool close = body.substr(q, 2) == "--";
        q += close ? 2 : 0;
        while (q < body.size() && (is_wsp(body[q]) || body[q] == '\r')) {
            ++q;
        }
        if (q < body.size() && body[q] != '\n') {
            continue;  // more text on the line: another boundary, or content
        }
        return delimiter{p, std::min(q + 1, body.size()), close};
    }
    return std::nullopt;
}

// The line break before a delimiter belongs to the delimiter.
std::size_t content_end(std::string_view body, std::size_t start, std::size_t line_start) {
    std::size_t end = line_start;
    if (end > start && body[end - 1] == '\n') {
        --end;
        if (end > start && body[end - 1] == '\r') {
            --end;
        }
    }
    return end;
}

bool is_identity_encoding(std::string_view enc) {
    return enc == "7bit" || enc == "8bit" || enc == "binary";
}

class tree_builder {
public:
    explicit tree_builder(const message_limits& limits)
        : limits_(limits),
          max_depth_(std::min(limits.max_mime_depth, hard_depth_cap)),
          parts_left_(limits.max_mime_parts > 0 ? limits.max_mime_parts - 1 : 0),
          fields_left_(limits.max_headers > SIZE_MAX / tree_field_factor
                           ? SIZE_MAX
                           : limits.max_headers * tree_field_factor) {}

    // `split`: the root's header section as mail::message split it (with
    // the limits the root's split would have: max_fields is max_headers
    // there), or null to split it here.
    void parse(mime_part& p, std::string_view raw, bool in_digest, unsigned depth, const std::string& path,
               const std::vector<header_field>* split = nullptr, std::size_t split_body = 0) {
        p.raw = raw;
        p.depth = depth;
        std::size_t max_fields = std::min(limits_.max_headers, fields_left_);
        // The message's own header section is read (and its defects
        // recorded) by mail::message; the root repeats neither.
        std::size_t body = split_body;
        if (split)
            p.headers = *split;
        else
            body = split_header_block(raw, {max_fields, limits_.max_header_bytes}, p.headers,
                                      depth == 0 ? nullptr : &p.defects);
        for (defect& d : p.defects) d.detail = where(path) + d.detail;
        fields_left_ -= p.headers.size();
        if (max_fields < limits_.max_headers) {
            // Cut by the tree's budget, not by max_headers: one
            // mime_fields_dropped says it for this part and all later ones.
            std::erase_if(p.defects,
                          [](const defect& d) { return d.kind == defect_kind::header_fields_dropped; });
            p.truncated = p.headers.size() == max_fields;
        }
        if (p.truncated && !fields_exhausted_) {  // once per tree: every later part is cut too
            fields_exhausted_ = true;
            record(p, path, defect_kind::mime_fields_dropped,
                   "the MIME tree's header field budget (" +
                       std::to_string(limits_.max_headers * tree_field_factor) +
                       " fields) is used up: this part's fields are not all indexed");
        }
        p.body = raw.substr(body);
        read_fields(p, in_digest);
        bool rfc822 = p.type == "message" && (p.subtype == "rfc822" || p.subtype == "global") &&
                      is_identity_encoding(p.encoding);
        if (!p.is_multipart() && !rfc822) {
            return;
        }
        if (depth >= max_depth_) {
            p.truncated = true;
            record(p, path, defect_kind::mime_too_deep,
                   "a " + p.type + "/" + p.subtype + " at depth " + std::to_string(depth) +
                       " (message_limits::max_mime_depth " + std::to_string(max_depth_) +
                       ") is not parsed further");
            return;
        }
        if (rfc822) {
            add_child(p, p.body, false, path);
        } else {
            split_multipart(p, path);
        }
    }

private:
    static void read_fields(mime_part& p, bool in_digest) {
        std::string scratch;
        const header_field* ct = p.header("content-type");
        if (ct != nullptr) {
            p.typed = read_content_type(unfold(ct->value, scratch), p.type, p.subtype, p.params);
        } else if (in_digest) {
            p.type = "message";
            p.subtype = "rfc822";
        }
        if (const header_field* cd = p.header("content-disposition")) {
            read_content_disposition(unfold(cd->value, scratch), p.disposition, p.disposition_params);
        }
        if (const header_field* cte = p.header("content-transfer-encoding")) {
            field_lexer lx(cte->value);
            lx.skip_cfws();
            std::string_view enc = lx.token();
            if (!enc.empty()) {
                assign_lower(p.encoding, enc);
            }
        }
    }

    bool add_child(mime_part& p, std::string_view raw, bool in_digest, const std::string& path) {
        if (parts_left_ == 0) {
            p.truncated = true;
            if (!parts_exhausted_) {
                parts_exhausted_ = true;
                record(p, path, defect_kind::mime_too_many_parts,
                       "the MIME tree reached message_limits::max_mime_parts (" +
                           std::to_string(limits_.max_mime_parts) + "): later parts are not parsed");
            }
            return false;
        }
        --parts_left_;
        p.children.emplace_back();
        std::string child = (path.empty() ? "" : path + ".") + std::to_string(p.children.size());
        parse(p.children.back(), raw, in_digest, p.depth + 1, child);
        return true;
    }

    void split_multipart(mime_part& p, const std::string& path) {
        std::string_view boundary = p.param("boundary");
        if (boundary.empty()) {
            record(p, path, defect_kind::mime_boundary_missing,
                   "multipart/" + p.subtype + " without a boundary parameter has no parts");
            return;
        }
        std::string dash = "--" + std::string(boundary);
        bool digest = p.subtype == "digest";
        std::optional<delimiter> d = find_delimiter(p.body, dash, 0);
        if (!d) {
            record(p, path, defect_kind::mime_boundary_not_found,
                   "no line starts with the boundary \"" + std::string(boundary) +
                       "\": the multipart has no parts");
            return;
        }
        // The parts' bounds first, so that the children are reserved once
        // (a mime_part is large to move as the vector grows): at most one
        // more than parts_left_, where add_child stops as it did when each
        // part was added as soon as found.
        boost::container::small_vector<std::pair<std::size_t, std::size_t>, 8> bounds;
        while (d && !d->close && bounds.size() <= parts_left_) {  // what precedes the first is the preamble
            std::size_t start = d->next;
            std::optional<delimiter> next = find_delimiter(p.body, dash, start);
            std::size_t end = next ? content_end(p.body, start, next->line_start) : p.body.size();
            bounds.emplace_back(start, end);
            d = next;
        }
        p.children.reserve(std::min(bounds.size(), parts_left_));
        for (auto [start, end] : bounds) {
            if (!add_child(p, p.body.substr(start, end - start), digest, path)) {
                return;
            }
        }
        if (!d) {
            record(p, path, defect_kind::mime_close_delimiter_missing,
                   "no close delimiter \"" + dash + "--\": the last part runs to the end of the body");
        }
    }

    static std::string where(const std::string& path) { return path.empty() ? "" : "part " + path + ": "; }

    static void record(mime_part& p, const std::string& path, defect_kind kind, const std::string& detail) {
        p.defects.push_back({kind, where(path) + detail});
    }

    const message_limits& limits_;
    unsigned max_depth_;
    std::size_t parts_left_;
    std::size_t fields_left_;
    bool parts_exhausted_ = false;
    bool fields_exhausted_ = false;
};

}  // namespace

mime_part parse_mime(std::string_view raw, const message_limits& limits) {
    mime_part root;
    tree_builder(limits).parse(root, raw, false, 0, "");
    return root;
}

mime_part parse_mime(std::string_view raw, const std::vector<header_field>& headers, std::size_t body_offset,
                     const message_limits& limits) {
    mime_part root;
    tree_builder(limits).parse(root, raw, false, 0, "", &headers, body_offset);
    return root;
}

std::string decoded_body(const mime_part& part, decode_problems* problems) {
    std::string out;
    if (part.encoding == "base64") {
        append_base64_decoded(part.body, out, problems);  // which sizes `out` once for the most it can give
    } else if (part.encoding == "quoted-printable") {
        out.reserve(part.body.size());
        append_qp_decoded(part.body, out, problems);
    } else {
        out = part.body;
    }
    return out;
}

std::string decoded_text(const mime_part& part, decode_problems* problems) {
    if (!has_transfer_encoding(part)) {
        return to_utf8(part.body, part.charset());  // the body as it is: not copied first
    }
    return to_utf8(decoded_body(part, problems), part.charset());
}

bool has_transfer_encoding(const mime_part& part) {
    return part.encoding == "base64" || part.encoding == "quoted-printable";
}

decode_problems check_transfer_encoding(const mime_part& part) {
    decode_problems problems;
    if (part.encoding == "base64") {
        check_base64(part.body, problems);
    } else if (part.encoding == "quoted-printable") {
        check_qp(part.body, problems);
    }
    return problems;
}

namespace {

// "on line 4 of the body" for a byte offset into `body`.
std::string body_line(std::string_view body, std::size_t offset) {
    offset = std::min(offset, body.size());
    auto line = 1 + std::count(body.begin(), body.begin() + static_cast<std::ptrdiff_t>(offset), '\n');
    return "on line " + std::to_string(line) + " of the body";
}

// "part 2: base64: <the first one> on line 4 of the body, and 2 more".
void transfer_defect(const mime_part& part, const decode_issue& issue, defect_kind kind,
                     std::string_view path, std::string_view encoding, defect_list& out) {
    if (issue.count == 0) return;
    std::string detail = path.empty() ? std::string() : "part " + std::string(path) + ": ";
    detail += std::string(encoding) + ": " + std::string(issue.why) + " " + body_line(part.body, issue.first);
    if (issue.count > 1) detail += ", and " + std::to_string(issue.count - 1) + " more";
    out.push_back({kind, std::move(detail)});
}

}  // namespace

void transfer_defects(const mime_part& part, const decode_problems& problems, std::string_view path,
                      defect_list& out) {
    transfer_defect(part, problems.invalid_characters, defect_kind::base64_character_invalid, path, "base64",
                    out);
    transfer_defect(part, problems.bad_padding, defect_kind::base64_padding_malformed, path, "base64", out);
    transfer_defect(part, problems.bad_escapes, defect_kind::quoted_printable_escape_malformed, path,
                    "quoted-printable", out);
    transfer_defect(part, problems.long_lines, defect_kind::quoted_printable_line_too_long, path,
                    "quoted-printable", out);
}

namespace {

bool find_path(const mime_part& at, const mime_part& part, std::string& path) {
    if (&at == &part) return true;
    for (std::size_t i = 0; i < at.children.size(); ++i) {
        auto size = path.size();
        path += (path.empty() ? "" : ".") + std::to_string(i + 1);
        if (find_path(at.children[i], part, path)) return true;
        path.resize(size);
    }
    return false;
}

}  // namespace

std::optional<std::string> part_path(const mime_part& root, const mime_part& part) {
    std::string path;
    if (!find_path(root, part, path)) return std::nullopt;
    return path;
}

std::string filename(const mime_part& part) {
    const mime_param* p = find_param(part.disposition_params, "filename");
    if (p == nullptr) {
        p = find_param(part.params, "name");
    }
    return p == nullptr ? std::string() : p->value;  // encoded words already decoded (combine_params)
}

void collect_defects(const mime_part& root, defect_list& out) {
    out.insert(out.end(), root.defects.begin(), root.defects.end());
    for (const mime_part& c : root.children) {
        collect_defects(c, out);
    }
}

}  // namespace sift::mail
