// RFC 5173 §5.2 and RFC 5703 §3, §7: walking and decoding MIME parts for
// the message-content extensions, once per run (see content_state.hpp).
#include "ext/mime/content_state.hpp"

#include "ext/utf8.hpp"
#include "mail/message.hpp"
#include "vm/run_state.hpp"

#include <algorithm>
#include <array>
#include <memory>
#include <optional>
#include <unordered_map>

namespace sift::ext {

content_state& content(vm::run_state& s) {
    return s.slot<content_state>();
}

const mail::mime_part& current_part(vm::run_state& s) {
    if (const auto* c = s.find_slot<content_state>(); c && !c->loops.empty()) {
        const auto& f = c->loops.back();
        return *f.parts[f.index];
    }
    return s.current().mime();
}

// The loops drop the parts that are gone (a loop does not go into replaced
// parts).
void content_state::message_replaced(vm::run_state&, const mail::message& previous, const mail::message& next,
                                     const vm::part_map& map) {
    display_text.clear();
    content_text.clear();
    phrase_searches.clear();
    parts.clear();
    parts_of = nullptr;
    if (loops.empty()) return;
    std::vector<const mail::mime_part*> old_parts, new_parts;
    collect_parts(previous.mime(), true, old_parts);
    collect_parts(next.mime(), true, new_parts);
    std::unordered_map<const mail::mime_part*, std::size_t> old_index;
    for (std::size_t i = 0; i < old_parts.size(); ++i) old_index.emplace(old_parts[i], i);
    auto remap = [&](std::size_t i) -> std::optional<std::size_t> {
        if (!map.replaced || i <= *map.replaced) return i + map.shift;
        if (i <= *map.replaced + map.descendants) return std::nullopt;
        auto from_end = old_parts.size() - i;
        if (from_end > new_parts.size()) return std::nullopt;
        return new_parts.size() - from_end;
    };
    for (auto& frame : loops) {
        std::vector<const mail::mime_part*> parts;
        std::optional<std::size_t> index;
        for (std::size_t i = 0; i < frame.parts.size(); ++i) {
            auto found = old_index.find(frame.parts[i]);
            auto to = found == old_index.end() ? std::nullopt : remap(found->second);
            if (!to || *to >= new_parts.size()) continue;
            if (i == frame.index) index = parts.size();
            parts.push_back(new_parts[*to]);
        }
        // Only a new tree cut short by message_limits loses a loop's
        // current part.
        if (!index) throw vm::runtime_error{"the new message's MIME structure exceeds the message limits"};
        frame.parts = std::move(parts);
        frame.index = *index;
    }
}

void content_state::message_forgotten() {
    *this = content_state{};
}

void collect_parts(const mail::mime_part& p, bool with_self, std::vector<const mail::mime_part*>& out) {
    if (with_self) out.push_back(&p);
    for (const auto& child : p.children) collect_parts(child, true, out);
}

const std::vector<const mail::mime_part*>& message_parts(vm::run_state& s) {
    auto& c = content(s);
    const auto& root = s.current().mime();
    if (c.parts_of != &root) {
        c.parts.clear();
        collect_parts(root, true, c.parts);
        c.parts_of = &root;
    }
    return c.parts;
}

namespace {

bool is_html(const mail::mime_part& p) {
    return (p.type == "text" && p.subtype == "html") || (p.type == "application" && p.subtype == "xhtml+xml");
}

bool iprefix(std::string_view s, std::size_t at, std::string_view word) {
    if (s.size() - at < word.size()) return false;
    return mail::iequals(s.substr(at, word.size()), word);
}

// A character reference ("&amp;", "&#233;", "&#xE9;") at `at`; appends
// its text and returns its length, or 0 when there is none.
std::size_t reference(std::string_view s, std::size_t at, std::string& out) {
    auto end = s.find(';', at);
    if (end == std::string_view::npos || end - at > 10) return 0;
    auto name = s.substr(at + 1, end - at - 1);
    if (name.size() > 1 && name[0] == '#') {
        bool hex = name[1] == 'x' || name[1] == 'X';
        std::uint32_t cp = 0;
        auto digits = name.substr(hex ? 2 : 1);
        if (digits.empty()) return 0;
        for (char c : digits) {
            int v = c >= '0' && c <= '9'          ? c - '0'
                    : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
                    : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                  : -1;
            if (v < 0) return 0;
            cp = cp * (hex ? 16 : 10) + std::uint32_t(v);
            if (cp > 0x10FFFF) return 0;
        }
        append_utf8(out, (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0 ? 0xFFFD : cp);
        return end - at + 1;
    }
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 6> named{
        {{"amp", "&"}, {"lt", "<"}, {"gt", ">"}, {"quot", "\""}, {"apos", "'"}, {"nbsp", " "}}};
    for (const auto& [n, text] : named)
        if (mail::iequals(name, n)) {
            out += text;
            return end - at + 1;
        }
    return 0;
}

bool block_element(std::string_view tag) {
    static constexpr std::array<std::string_view, 12> blocks{"br", "p",  "div", "li", "tr", "h1",
                                                             "h2", "h3", "h4",  "h5", "h6", "table"};
    return std::any_of(blocks.begin(), blocks.end(),
                       [&](std::string_view b) { return mail::iequals(tag, b); });
}

}  // namespace

std::string html_to_text(std::string_view html) {
    std::string out;
    out.reserve(html.size());  // the text is never longer than its markup
    std::size_t i = 0;
    while (i < html.size()) {
        char c = html[i];
        if (c == '&') {
            if (auto n = reference(html, i, out)) {
                i += n;
                continue;
            }
            out += c;
            ++i;
        } else if (c != '<') {
            // The text up to the next markup or reference, appended at once.
            auto end = i + 1;
            while (end < html.size() && html[end] != '<' && html[end] != '&') ++end;
            out.append(html.substr(i, end - i));
            i = end;
        } else if (iprefix(html, i, "<!--")) {
            auto end = html.find("-->", i + 4);
            i = end == std::string_view::npos ? html.size() : end + 3;
        } else if (iprefix(html, i, "<script") || iprefix(html, i, "<style")) {
            auto closing =
                iprefix(html, i, "<script") ? std::string_view("</script") : std::string_view("</style");
            std::size_t end = i + 1;
            while (end < html.size() && !iprefix(html, end, closing)) ++end;
            auto gt = html.find('>', end);
            i = gt == std::string_view::npos ? html.size() : gt + 1;
        } else {
            auto gt = html.find('>', i);
            auto tag = html.substr(i + 1, (gt == std::string_view::npos ? html.size() : gt) - i - 1);
            if (!tag.empty() && tag[0] == '/') tag.remove_prefix(1);
            auto name_end = std::min(tag.find_first_of(" \t\r\n/"), tag.size());
            if (block_element(tag.substr(0, name_end)) && !out.empty() && out.back() != '\n')
                out += "\r\n";  // Sieve text breaks lines with CRLF
            i = gt == std::string_view::npos ? html.size() : gt + 1;
        }
    }
    return out;
}

namespace {

// Whether decoding `p` should look for transfer-encoding defects: a part of
// the message as it came, with an encoding to undo, not read for them yet.
bool first_read(vm::run_state& s, const mail::mime_part& p) {
    if (&s.current() != &s.message || !mail::has_transfer_encoding(p)) return false;
    return content(s).encodings_read.insert(&p).second;
}

void note(vm::run_state& s, const mail::mime_part& p, const mail::decode_problems& problems) {
    if (!problems.any()) return;
    auto path = mail::part_path(s.message.mime(), p);
    if (!path) return;
    mail::defect_list found;
    mail::transfer_defects(p, problems, *path, found);
    for (auto& d : found) content(s).encoding_defects.emplace_back(&p, std::move(d));
}

// decoded_text or decoded_body, noting what the decoder met.
std::string decode(vm::run_state& s, const mail::mime_part& p, bool text) {
    mail::decode_problems problems;
    bool watch = first_read(s, p);
    auto out = text ? mail::decoded_text(p, watch ? &problems : nullptr)
                    : mail::decoded_body(p, watch ? &problems : nullptr);
    if (watch) note(s, p, problems);
    return out;
}

}  // namespace

// A text/* part's display text starts from its content_text (the same
// decoding: transfer encoding undone, converted to UTF-8), so a part that
// both body :text and body :content or link read is decoded once; a
// text/* part that is not HTML has that string itself. XHTML (application/*) is no
// text/* part: content_text keeps its octets, so it is decoded here.
const std::string* display_text(vm::run_state& s, const mail::mime_part& p) {
    bool html = is_html(p);
    if (p.type != "text" && !html) return nullptr;
    if (!html) return &content_text(s, p);
    auto& cache = content(s).display_text;
    auto it = cache.find(&p);
    if (it == cache.end()) {
        auto text = p.type == "text" ? html_to_text(content_text(s, p)) : html_to_text(decode(s, p, true));
        it = cache.emplace(&p, std::move(text)).first;
    }
    return &it->second;
}

const std::string& content_text(vm::run_state& s, const mail::mime_part& p) {
    auto& cache = content(s).content_text;
    auto it = cache.find(&p);
    if (it == cache.end()) it = cache.emplace(&p, decode(s, p, p.type == "text")).first;
    return it->second;
}

const std::vector<std::pair<const mail::mime_part*, mail::defect>>& all_encoding_defects(vm::run_state& s) {
    auto& c = content(s);
    if (!c.all_encodings_read) {
        c.all_encodings_read = true;
        std::vector<const mail::mime_part*> parts;
        collect_parts(s.message.mime(), true, parts);
        for (const auto* p : parts) {
            if (p->is_multipart() || !p->children.empty() || !mail::has_transfer_encoding(*p)) continue;
            if (c.encodings_read.insert(p).second) note(s, *p, mail::check_transfer_encoding(*p));
        }
    }
    return c.encoding_defects;
}

// In the order of the parts, whatever order the tests read them in.
void content_state::finish(vm::run_state& s, result& r, const vm::runtime_error*) {
    if (encoding_defects.empty()) return;
    std::vector<const mail::mime_part*> parts;
    collect_parts(s.message.mime(), true, parts);
    std::unordered_map<const mail::mime_part*, std::size_t> order;
    for (std::size_t i = 0; i < parts.size(); ++i) order.emplace(parts[i], i);
    auto place = [&](const mail::mime_part* p) { return order.find(p)->second; };  // all are in the tree
    std::stable_sort(encoding_defects.begin(), encoding_defects.end(),
                     [&](const auto& a, const auto& b) { return place(a.first) < place(b.first); });
    for (const auto& [part, d] : encoding_defects)
        r.defects.push_back({std::string(mail::name(d.kind)), d.detail});
}

namespace {

// Drops one line break at the end of `s`.
std::string_view chop_break(std::string_view s) {
    if (!s.empty() && s.back() == '\n') s.remove_suffix(1);
    if (!s.empty() && s.back() == '\r') s.remove_suffix(1);
    return s;
}

}  // namespace

// Children are views into the multipart's body, so the text before the
// first one, less its delimiter line, is the prologue.
std::string_view prologue(const mail::mime_part& m) {
    if (m.children.empty()) return m.body;  // no delimiter at all
    auto start = std::size_t(m.children.front().raw.data() - m.body.data());
    auto before = chop_break(m.body.substr(0, start));
    auto line = before.rfind('\n');
    return line == std::string_view::npos ? std::string_view() : chop_break(before.substr(0, line + 1));
}

// After the last child: its line break, the close delimiter line, then
// the epilogue. A missing close delimiter leaves none.
std::string_view epilogue(const mail::mime_part& m) {
    if (m.children.empty()) return {};
    const auto& last = m.children.back().raw;
    auto rest = m.body.substr(std::size_t(last.data() + last.size() - m.body.data()));
    if (rest.starts_with("\r\n"))
        rest.remove_prefix(2);
    else if (rest.starts_with("\n"))
        rest.remove_prefix(1);
    auto close = "--" + std::string(m.param("boundary")) + "--";
    if (!rest.starts_with(close)) return {};
    auto eol = rest.find('\n');
    return eol == std::string_view::npos ? std::string_view() : rest.substr(eol + 1);
}

std::string_view header_block(const mail::mime_part& p) {
    auto head = p.raw.substr(0, std::size_t(p.body.data() - p.raw.data()));
    return chop_break(head);  // the blank line; the last field keeps its CRLF
}

}  // namespace sift::ext
