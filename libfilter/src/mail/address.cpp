#include "mail/address.hpp"

#include "mail/decode.hpp"
#include "mail/header.hpp"

#include <algorithm>

namespace sift::mail {

namespace {

enum class kind { atom, quoted, literal, special };

struct token {
    kind k;
    std::string text;  // atom as written; quoted unquoted; literal with brackets
    std::size_t begin, end;
    bool space_before;  // whitespace or a comment precedes it
    bool broken;        // unterminated quoted string or literal

    bool is(char c) const { return k == kind::special && text[0] == c; }
    bool is_word() const { return k == kind::atom || k == kind::quoted; }
};

// RFC 5322 specials and atext (8-bit bytes are atext, RFC 6532), as
// tables: the lexer and the plain-address path test every byte.
struct char_classes {
    bool special[256] = {};
    bool atext[256] = {};
    constexpr char_classes() {
        for (char c : std::string_view("()<>[]:;@\\,.\"")) special[static_cast<unsigned char>(c)] = true;
        for (int u = 0; u < 256; ++u) atext[u] = u > ' ' && u != 127 && !special[u];
    }
};
constexpr char_classes classes;

bool is_special(char c) {
    return classes.special[static_cast<unsigned char>(c)];
}

bool is_atext(char c) {
    return classes.atext[static_cast<unsigned char>(c)];
}

class lexer {
public:
    explicit lexer(std::string_view s) : s_(s) {}

    std::vector<token> run() {
        std::vector<token> out;
        bool space = false;
        while (i_ < s_.size()) {
            char c = s_[i_];
            if (is_wsp(c) || c == '\r' || c == '\n') {
                ++i_;
                space = true;
            } else if (c == '(') {
                skip_comment();
                space = true;
            } else {
                out.push_back(next(space));
                space = false;
            }
        }
        return out;
    }

private:
    token next(bool space) {
        std::size_t b = i_;
        char c = s_[i_];
        if (c == '"') {
            return enclosed(kind::quoted, '"', false, space);
        }
        if (c == '[') {
            return enclosed(kind::literal, ']', true, space);
        }
        // A special, or a character that is neither atext nor special (a
        // control character, DEL): one token of its own, which no rule
        // accepts, so the mailbox holding it is invalid. Every token consumes
        // at least one character, or run() would never end.
        if (is_special(c) || !is_atext(c)) {
            ++i_;
            return {kind::special, std::string(1, c), b, i_, space, false};
        }
        while (i_ < s_.size() && is_atext(s_[i_])) {
            ++i_;
        }
        return {kind::atom, std::string(s_.substr(b, i_ - b)), b, i_, space, false};
    }

    // A quoted string (quoted-pairs resolved) or a domain literal (kept as
    // written, brackets included).
    token enclosed(kind k, char close, bool keep, bool space) {
        std::size_t b = i_++;
        std::string text = keep ? std::string(1, s_[b]) : std::string();
        while (i_ < s_.size() && s_[i_] != close) {
            char c = s_[i_++];
            if (c == '\\' && i_ < s_.size()) {
                if (keep) {
                    text += c;
                }
                text += s_[i_++];
            } else if (c != '\r' && c != '\n') {
                text += c;
            }
        }
        bool broken = i_ >= s_.size();
        if (!broken) {
            ++i_;
            if (keep) {
                text += close;
            }
        }
        return {k, std::move(text), b, i_, space, broken};
    }

    void skip_comment() { i_ = end_of_comment(s_, i_); }

    std::string_view s_;
    std::size_t i_ = 0;
};

using token_range = std::pair<const token*, const token*>;

// word *("." word) for local parts, atom *("." atom) or a literal for domains.
bool dotted(token_range r, bool domain, std::string& out) {
    if (r.first == r.second) {
        return false;
    }
    if (domain && r.second - r.first == 1 && r.first->k == kind::literal) {
        out = r.first->text;
        return !r.first->broken;
    }
    bool want_word = true;
    bool ok = true;
    for (const token* t = r.first; t != r.second; ++t) {
        bool word = domain ? t->k == kind::atom : t->is_word();
        ok = ok && !t->broken && (want_word ? word : t->is('.'));
        out += t->text;
        want_word = !want_word;
    }
    return ok && !want_word;
}

void parse_addr_spec(token_range r, address& a) {
    const token* at = nullptr;
    for (const token* t = r.first; t != r.second; ++t) {
        if (t->is('@')) {
            at = t;
        }
    }
    if (at == nullptr) {
        dotted(r, false, a.local_part);
        return;
    }
    bool local_ok = dotted({r.first, at}, false, a.local_part);
    bool domain_ok = dotted({at + 1, r.second}, true, a.domain);
    a.valid = local_ok && domain_ok && !a.local_part.empty();
}

// Drops an obsolete route ("@a,@b:"); false when it is not terminated.
bool skip_route(token_range& r) {
    if (r.first == r.second || !r.first->is('@')) {
        return true;
    }
    for (const token* t = r.first; t != r.second; ++t) {
        if (t->is(':')) {
            r.first = t + 1;
            return true;
        }
    }
    return false;
}

std::string phrase(token_range r) {
    std::string out;
    for (const token* t = r.first; t != r.second; ++t) {
        if (t->space_before && !out.empty()) {
            out += ' ';
        }
        out += t->text;
    }
    return out.find("=?") == std::string::npos ? out : decode_encoded_words(out);
}

void parse_angle(token_range r, const token* lt, address& a) {
    a.display_name = phrase({r.first, lt});
    const token* gt = lt + 1;
    while (gt != r.second && !gt->is('>')) {
        ++gt;
    }
    token_range inner{lt + 1, gt};
    bool nested = false;
    for (const token* t = inner.first; t != inner.second; ++t) {
        nested = nested || t->is('<');
    }
    bool route_ok = skip_route(inner);
    parse_addr_spec(inner, a);
    a.valid = a.valid && route_ok && !nested && gt != r.second && gt + 1 == r.second;
}

address make_address(std::string_view value, token_range r, std::size_t src_b, std::size_t src_e) {
    address a;
    a.text = std::string(trim_wsp(value.substr(src_b, src_e - src_b)));
    for (const token* t = r.first; t != r.second; ++t) {
        if (t->is('<')) {
            parse_angle(r, t, a);
            return a;
        }
    }
    parse_addr_spec(r, a);
    return a;
}

bool is_phrase(token_range r) {
    for (const token* t = r.first; t != r.second; ++t) {
        if (!t->is_word() && !t->is('.')) {
            return false;
        }
    }
    return true;
}

// Splits the token list into mailboxes and feeds them to make_address.
class list_parser {
public:
    list_parser(std::string_view value, const std::vector<token>& toks) : value_(value), toks_(toks) {}

    std::vector<address> run() {
        while (i_ < toks_.size()) {
            std::size_t j = entry_end();
            if (j < toks_.size() && toks_[j].is(':')) {
                in_group_ = true;  // the group name is not an address
                src_ = toks_[j].end;
                i_ = j + 1;
                continue;
            }
            std::size_t src_end = j < toks_.size() ? toks_[j].begin : value_.size();
            if (j > i_) {
                out_.push_back(make_address(value_, range(i_, j), src_, src_end));
            }
            consume_separator(j);
        }
        return std::move(out_);
    }

private:
    token_range range(std::size_t b, std::size_t e) const { return {toks_.data() + b, toks_.data() + e}; }

    // Where the mailbox starting at i_ ends: a ',' or ';' outside "<...>",
    // a ':' that may open a group, or a missing comma.
    std::size_t entry_end() const {
        bool angle = false, closed = false, at_seen = false;
        for (std::size_t j = i_; j < toks_.size(); ++j) {
            const token& t = toks_[j];
            if (angle) {
                angle = !t.is('>');
                closed = !angle;
                continue;
            }
            if (t.is(',') || t.is(';') || closed) {
                return j;
            }
            if (t.is(':') && !in_group_ && is_phrase(range(i_, j))) {
                return j;  // a group starts
            }
            bool spec_done =
                at_seen && j > i_ && (toks_[j - 1].k == kind::atom || toks_[j - 1].k == kind::literal);
            if (spec_done && t.is_word() && t.space_before) {
                return j;  // "a@x b@y"
            }
            angle = t.is('<');
            at_seen = at_seen || t.is('@');
        }
        return toks_.size();
    }

    void consume_separator(std::size_t j) {
        if (j >= toks_.size()) {
            i_ = j;
            return;
        }
        const token& t = toks_[j];
        if (t.is(',') || t.is(';')) {
            in_group_ = in_group_ && !t.is(';');
            src_ = t.end;
            i_ = j + 1;
        } else {
            src_ = t.begin;  // a missing comma: the next mailbox starts here
            i_ = j;
        }
    }

    std::string_view value_;
    const std::vector<token>& toks_;
    std::vector<address> out_;
    std::size_t i_ = 0;
    std::size_t src_ = 0;
    bool in_group_ = false;
};

}  // namespace

namespace {

// The end of the dot-atom (1*atext *("." 1*atext)) starting at p, or null
// when there is none there.
const char* dot_atom_end(const char* p, const char* end) {
    const char* q = p;
    for (;;) {
        const char* word = q;
        while (q < end && is_atext(*q)) ++q;
        if (q == word) return nullptr;  // empty, or a dot at the start / after a dot
        if (q == end || *q != '.') return q;
        ++q;
    }
}

}  // namespace

// In one pass over the bytes (a search for ".." and then a check of every
// byte were two, for each :all of an address).
bool is_dot_atom(std::string_view s) {
    return !s.empty() && dot_atom_end(s.data(), s.data() + s.size()) == s.data() + s.size();
}

std::string address::all() const {
    return address_all(local_part, domain, text, valid);
}

std::string address_all(std::string_view local_part, std::string_view domain, std::string_view text,
                        bool valid) {
    if (!valid) {
        return std::string(text);
    }
    if (is_dot_atom(local_part)) {
        std::string out;  // one allocation, not one for local_part + "@" and another for + domain
        out.reserve(local_part.size() + 1 + domain.size());
        out.append(local_part).append(1, '@').append(domain);
        return out;
    }
    std::string out = "\"";
    for (char c : local_part) {
        if (c == '"' || c == '\\') {
            out += '\\';
        }
        out += c;
    }
    return out.append("\"@").append(domain);
}

namespace {

// "local@domain" at p, both dot-atoms, ending exactly at `end`: the parts
// as views of [p, end).
bool plain_spec(const char* p, const char* end, std::string_view& local_part, std::string_view& domain) {
    const char* at = dot_atom_end(p, end);
    if (at == nullptr || at == end || *at != '@') return false;
    const char* domain_end = dot_atom_end(at + 1, end);
    if (domain_end != end) return false;
    local_part = std::string_view(p, static_cast<std::size_t>(at - p));
    domain = std::string_view(at + 1, static_cast<std::size_t>(domain_end - at - 1));
    return true;
}

// The same into an address.
bool plain_addr_spec(const char* p, const char* end, address& a) {
    std::string_view local_part, domain;
    if (!plain_spec(p, end, local_part, domain)) return false;
    a.local_part.assign(local_part);
    a.domain.assign(domain);
    a.valid = true;
    return true;
}

// A plain mailbox as views of the value: the mailbox as written (trimmed),
// the addr-spec's parts, and the display name, quoted (without its quotes)
// or as words with WSP between them (`words`), empty when there is none.
struct plain_view {
    std::string_view text, local_part, domain, quoted, words;
};

// The commonest values, one plain mailbox: "local@domain", "<local@domain>",
// "Name Surname <local@domain>" and "\"Name\" <local@domain>", with
// dot-atom local part and domain. Read in one pass that looks at each byte
// once and allocates nothing, so it is as safe as the general parser
// against hostile values. Anything else (lists, comments, groups, quoted
// local parts, literals, quoted-pairs, dots or encoded words in a display
// name, control characters) makes it return false, and the general parser
// reads the value; where this path answers, its address equals the general
// parser's (tests/mail/address_test.cpp holds the two against each other
// on generated values).
bool read_plain_mailbox(std::string_view value, plain_view& m) {
    std::string_view v = trim_wsp(value);
    if (v.empty()) return false;
    const char* p = v.data();
    const char* const end = p + v.size();
    if (*p != '"' && *p != '<' && plain_spec(p, end, m.local_part, m.domain)) {
        m.text = v;
        return true;
    }
    // A display name, then "<local@domain>" at the very end.
    if (end - p < 5 || end[-1] != '>') return false;
    const char* q = p;
    bool is_quoted = *q == '"';
    if (is_quoted) {
        const char* close = q + 1;
        for (; close < end && *close != '"'; ++close) {
            auto u = static_cast<unsigned char>(*close);
            if (*close == '\\' || (u < ' ' && *close != '\t') || u == 127) return false;
        }
        if (close == end) return false;
        m.quoted = std::string_view(q + 1, static_cast<std::size_t>(close - q - 1));
        q = close + 1;
        while (q < end && is_wsp(*q)) ++q;
    } else {
        while (q < end && is_atext(*q)) {  // words, WSP between them
            while (q < end && is_atext(*q)) ++q;
            while (q < end && is_wsp(*q)) ++q;
        }
    }
    if (q == end || *q != '<') return false;
    if (!plain_spec(q + 1, end - 1, m.local_part, m.domain)) return false;
    if (!is_quoted) {
        const char* words_end = q;
        while (words_end > p && is_wsp(words_end[-1])) --words_end;
        m.words = std::string_view(p, static_cast<std::size_t>(words_end - p));
    }
    // Encoded words are decoded by phrase(). '=' and '?' are atext, so
    // "=?" in the words is "=?" in one of them, as in the name they make.
    if ((is_quoted ? m.quoted : m.words).find("=?") != std::string_view::npos) return false;
    m.text = v;
    return true;
}

// The one-pass path into `a` (a new address, left unspecified when the
// path declines).
bool parse_plain_mailbox(std::string_view value, address& a) {
    plain_view m;
    if (!read_plain_mailbox(value, m)) return false;
    a.local_part.assign(m.local_part);
    a.domain.assign(m.domain);
    a.valid = true;
    if (!m.quoted.empty()) {
        a.display_name.assign(m.quoted);
    } else {
        // The words joined by one space each, as phrase() joins them.
        const char* const words_end = m.words.data() + m.words.size();
        for (const char* w = m.words.data(); w < words_end;) {
            if (!a.display_name.empty()) a.display_name += ' ';
            const char* e = w;
            while (e < words_end && is_atext(*e)) ++e;
            a.display_name.append(w, e);
            w = e;
            while (w < words_end && is_wsp(*w)) ++w;
        }
    }
    a.text.assign(m.text);
    return true;
}

}  // namespace

std::vector<address> parse_address_list_general(std::string_view value) {
    std::vector<token> toks = lexer(value).run();
    return list_parser(value, toks).run();
}

std::vector<address> parse_address_list(std::string_view value) {
    std::vector<address> out(1);  // read into its place, not moved there
    if (!parse_plain_mailbox(value, out.front())) return parse_address_list_general(value);
    return out;
}

bool plain_mailbox_parts(std::string_view value, std::string_view& local_part, std::string_view& domain) {
    plain_view m;
    if (!read_plain_mailbox(value, m)) return false;
    local_part = m.local_part;
    domain = m.domain;
    return true;
}

std::optional<address> single_mailbox(std::string_view text) {
    auto list = parse_address_list(text);
    if (list.size() != 1 || !list.front().valid) return std::nullopt;
    return list.front();
}

namespace {

// RFC 5321 §4.1.2 Domain: sub-domains of letters, digits and inner hyphens,
// joined by single dots; or an address literal.
bool smtp_domain(std::string_view d) {
    if (d.size() > 2 && d.front() == '[' && d.back() == ']') return true;
    if (d.empty()) return false;
    std::size_t label = 0;
    for (std::size_t i = 0; i <= d.size(); ++i) {
        if (i == d.size() || d[i] == '.') {
            if (label == 0 || d[i - 1] == '-') return false;
            label = 0;
            continue;
        }
        char c = d[i];
        bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum && !(c == '-' && label > 0)) return false;
        ++label;
    }
    return true;
}

// A-d-l = At-domain *( "," At-domain ), At-domain = "@" Domain: the source
// route of an SMTP path, which must be well-formed even though it is
// ignored (RFC 5321 §4.1.2, Appendix C).
bool valid_route(std::string_view route) {
    std::size_t start = 0;
    while (start <= route.size()) {
        auto comma = route.find(',', start);
        auto part =
            route.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
        if (part.size() < 2 || part.front() != '@' || !smtp_domain(part.substr(1))) return false;
        if (comma == std::string_view::npos) return true;
        start = comma + 1;
    }
    return false;
}

}  // namespace

std::optional<address> parse_path(std::string_view path) {
    // The commonest path, "<local@domain>" with dot-atoms, without the
    // tokenizer; it gives what the general parser gives (address_plain's
    // path tests hold the two against each other).
    auto inner = trim_wsp(path);
    if (inner.size() > 2 && inner.front() == '<' && inner.back() == '>')
        inner = trim_wsp(inner.substr(1, inner.size() - 2));
    if (!inner.empty() && inner.front() != '<') {
        std::optional<address> a(std::in_place);  // read into its place, not moved there
        if (plain_addr_spec(inner.data(), inner.data() + inner.size(), *a)) {
            a->text.assign(inner);
            return a;
        }
    }
    return parse_path_general(path);
}

std::optional<address> parse_path_general(std::string_view path) {
    path = trim_wsp(path);
    if (path.empty() || path == "<>") {
        return std::nullopt;
    }
    std::string_view inner = path;
    if (inner.front() == '<' && inner.back() == '>') {
        inner = trim_wsp(inner.substr(1, inner.size() - 2));
    }
    // A source route ("@a,@b:user@host") must be well-formed; any other
    // ':' makes the path invalid.
    bool route_wellformed = true;
    if (auto colon = inner.find(':'); colon != std::string_view::npos && inner.find('"') > colon)
        route_wellformed = inner.front() == '@' && valid_route(inner.substr(0, colon));
    std::vector<token> toks = lexer(inner).run();
    address a;
    a.text = std::string(inner);
    token_range r{toks.data(), toks.data() + toks.size()};
    bool route_ok = skip_route(r);
    parse_addr_spec(r, a);
    a.valid = a.valid && route_ok && route_wellformed;
    return a;
}

std::optional<address> parse_envelope_path(std::string_view path) {
    auto a = parse_path(path);
    if (!a || a->valid) return a;
    // ASCII atext and dots, in any order.
    auto atext = [](char c) { return c == '.' || (static_cast<unsigned char>(c) < 0x80 && is_atext(c)); };
    std::string_view text = a->text;
    auto at = text.rfind('@');
    auto local = text.substr(0, at);
    if (local.empty() || !std::all_of(local.begin(), local.end(), atext)) return a;
    if (at != std::string_view::npos) {
        auto domain = text.substr(at + 1);
        auto with_domain =
            parse_path("x@" + std::string(domain));  // the domain alone, as parse_path judges it
        if (domain.empty() || !with_domain || !with_domain->valid) return a;
        a->domain = std::string(domain);
    } else {
        a->domain.clear();
    }
    a->local_part = std::string(local);
    a->valid = true;
    return a;
}

}  // namespace sift::mail
