// vnd.sift.link's extractor (links.hpp).
#include "ext/link/links.hpp"

#include <libpsl.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <mutex>

namespace sift::ext {

namespace {

char lower(char c) {
    return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c;
}
bool is_alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}
bool istarts(std::string_view s, std::string_view prefix) {
    if (s.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i)
        if (lower(s[i]) != prefix[i]) return false;
    return true;
}
int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    c = lower(c);
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

const psl_ctx_t* psl() {
    static const psl_ctx_t* const ctx = [] {
        const psl_ctx_t* latest = psl_latest(nullptr);  // Debian's publicsuffix package, else built in
        return latest ? latest : psl_builtin();
    }();
    return ctx;
}

// A number as browsers read a host's label: decimal, 0x hex, 0 octal.
bool numeric_label(std::string_view label) {
    if (label.empty()) return false;
    if (label.size() > 2 && label[0] == '0' && lower(label[1]) == 'x')
        return std::all_of(label.begin() + 2, label.end(), [](char c) { return hex_value(c) >= 0; });
    return std::all_of(label.begin(), label.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "1.2.3.4", "3232235777", "0xC0.0xA8.0.1": one to four numeric labels.
bool ip_host(std::string_view host) {
    if (!host.empty() && host.front() == '[') return true;
    std::size_t labels = 0;
    for (std::size_t at = 0;;) {
        auto dot = host.find('.', at);
        auto label = host.substr(at, dot == std::string_view::npos ? std::string_view::npos : dot - at);
        if (!numeric_label(label)) return false;
        ++labels;
        if (dot == std::string_view::npos) break;
        at = dot + 1;
    }
    return labels >= 1 && labels <= 4;
}

// The end of a URL written in text: white space, quotes and brackets end
// it, then trailing punctuation is not part of it.
std::size_t url_end(std::string_view text, std::size_t at, std::size_t max) {
    std::size_t end = at;
    while (end < text.size() && end - at < max) {
        char c = text[end];
        if (is_space(c) || c == '<' || c == '>' || c == '"' || c == '\'' || c == '`' || c == '(' ||
            c == ')' || c == '[' || c == ']' || c == '{' || c == '}' || c == '|' || c == '^' ||
            static_cast<unsigned char>(c) < 32)
            break;
        ++end;
    }
    while (end > at && std::string_view(".,;:!?*").find(text[end - 1]) != std::string_view::npos) --end;
    return end;
}

// Where a URL may begin in text: "http" or "www." after a character that
// cannot be part of a word or a longer URL.
bool url_start(std::string_view text, std::size_t i) {
    if (i > 0) {
        char before = text[i - 1];
        if (is_alnum(before) || before == '.' || before == '-' || before == '_' || before == '/' ||
            before == '@' || before == '%' || before == '=' || before == '&')
            return false;
    }
    return istarts(text.substr(i), "http") || istarts(text.substr(i), "www.");
}

// The octets a block_may_start_url() reads: a block's start positions
// and the three octets after the last.
constexpr std::size_t url_block = 64;
constexpr std::size_t url_block_reach = url_block + 3;

// Whether "http" or "www." (any case) may begin at one of the url_block
// positions of p (which holds url_block_reach octets): where url_start()
// can be true. Only the three octets after a position are looked at,
// "ttp" or "ww.", which ordinary text hardly has where no URL is (unlike
// the "th" and "wh" of every other word). Or-ing 0x20 lower-cases the
// letters and leaves '.'; it also turns a few control octets into these
// characters, which only makes a block be scanned in vain. A loop the
// compiler vectorises (in url_free_blocks and html_plain_blocks).
[[gnu::always_inline]] inline bool block_may_start_url(const char* p) {
    std::uint8_t any = 0;
    for (std::size_t j = 0; j < url_block; ++j) {
        auto b = std::uint8_t(p[j + 1] | 0x20), c = std::uint8_t(p[j + 2] | 0x20),
             d = std::uint8_t(p[j + 3] | 0x20);
        any |= std::uint8_t((b == 't') & (c == 't') & (d == 'p')) |
               std::uint8_t((b == 'w') & (c == 'w') & (d == '.'));
    }
    return any != 0;
}

// How many octets of the n at p are whole blocks in a row where no URL
// can begin (block_may_start_url): the scan steps over them with one call.
// Compiled twice, the loader picking the AVX2 build where the CPU has it
// (an ifunc): 32 positions a step instead of 16.
#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target_clones("avx2", "default")))
#endif
std::size_t
url_free_blocks(const char* p, std::size_t n) {
    std::size_t at = 0;
    while (at + url_block_reach <= n && !block_may_start_url(p + at)) at += url_block;
    return at;
}

// Whether no URL can begin in the n octets at p, fewer than a block
// reaches (url_free_blocks leaves them): tested as blocks of a copy
// padded with NULs, which are no letter of "ttp" or "ww.". The last
// octets of every text are so told without being scanned one by one.
bool tail_free(const char* p, std::size_t n) {
    if (n >= url_block_reach) return false;
    std::array<char, 2 * url_block + 3> padded{};
    std::memcpy(padded.data(), p, n);
    return !block_may_start_url(padded.data()) &&
           (n <= url_block || !block_may_start_url(padded.data() + url_block));
}

// Calls f(token, host) for each URL in text, in order; f returns false to stop.
// Whole blocks where no URL can begin are stepped over, and so is the
// rest of the text when it is shorter than a block and none can begin
// in it.
template <class F>
void each_text_url(std::string_view text, std::size_t max_url, F&& f) {
    std::size_t scanned_to = 0;  // positions below it are in a block that may start a URL
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (i >= scanned_to) {
            i += url_free_blocks(text.data() + i, text.size() - i);
            if (tail_free(text.data() + i, text.size() - i)) return;
            scanned_to = i + url_block;
        }
        char c = lower(text[i]);
        if ((c != 'h' && c != 'w') || !url_start(text, i)) continue;
        std::size_t end = url_end(text, i, max_url);
        auto token = text.substr(i, end - i);
        auto parsed = parse_url(token);
        if (parsed && !parsed->host.empty()) {
            if (!f(token, *parsed)) return;
            i = end;
        }
    }
}

std::string collapse_space(std::string_view s, std::size_t max) {
    std::string out;
    bool space = false;
    for (std::size_t i = 0; i < s.size() && out.size() < max; ++i) {
        char c = s[i];
        // U+00A0 NO-BREAK SPACE (&nbsp;) is white space to a reader.
        bool nbsp = c == '\xc2' && i + 1 < s.size() && s[i + 1] == '\xa0';
        if (is_space(c) || nbsp) {
            space = true;
            if (nbsp) ++i;
            continue;
        }
        if (space && !out.empty()) out += ' ';
        space = false;
        out += c;
    }
    // Cut at a character boundary.
    while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80 && out.size() >= max)
        out.pop_back();
    return out;
}

void finish_link(link& l, const link_limits& limits) {
    l.text = collapse_space(l.text, limits.max_text_bytes);
    l.shown_host = named_host(l.text);
    if (!l.shown_host.empty() && !l.host.empty() && other_domain(l.shown_host, l.host))
        l.traits |= trait_mismatch;
}

// The SAX state of one HTML part.
struct html_walk {
    const link_limits& limits;
    std::vector<link>& out;
    std::optional<link> open;  // the <a> being read
    std::string outside;       // text outside links, for URLs written as text
    std::size_t outside_cap;

    void close() {
        if (!open) return;
        if (out.size() < limits.max_links) {
            finish_link(*open, limits);
            out.push_back(std::move(*open));
        }
        open.reset();
    }
};

const char* attribute(const xmlChar** atts, const char* name) {
    if (!atts) return nullptr;
    for (std::size_t i = 0; atts[i]; i += 2)
        if (std::strcmp(reinterpret_cast<const char*>(atts[i]), name) == 0)
            return atts[i + 1] ? reinterpret_cast<const char*>(atts[i + 1]) : "";
    return nullptr;
}

// Elements that end a line or a cell: their edges separate words.
bool separates(const char* name) {
    static constexpr std::string_view blocks[] = {"br", "p",     "div", "td", "th", "tr",
                                                  "li", "table", "hr",  "h1", "h2", "h3",
                                                  "h4", "h5",    "h6",  "ul", "ol", "blockquote"};
    return std::find(std::begin(blocks), std::end(blocks), std::string_view(name)) != std::end(blocks);
}

void on_start(void* ctx, const xmlChar* tag, const xmlChar** atts) {
    auto& w = *static_cast<html_walk*>(static_cast<htmlParserCtxtPtr>(ctx)->_private);
    const char* name = reinterpret_cast<const char*>(tag);
    bool anchor = std::strcmp(name, "a") == 0, area = std::strcmp(name, "area") == 0;
    if (anchor || area) {
        w.close();  // <a> inside <a> ends the first, as HTML parsers do
        const char* href = attribute(atts, "href");
        if (!href) return;
        auto parsed = parse_url(href);
        if (!parsed) return;
        link l;
        for (const char* p = href; *p && l.url.size() < w.limits.max_url_bytes; ++p)
            if (!is_space(*p)) l.url += *p;
        l.host = std::move(parsed->host);
        l.traits = parsed->traits;
        l.html = true;
        if (area) {
            if (const char* alt = attribute(atts, "alt")) l.text = alt;
            if (w.out.size() < w.limits.max_links) {
                finish_link(l, w.limits);
                w.out.push_back(std::move(l));
            }
            return;
        }
        w.open = std::move(l);
        return;
    }
    if (w.open) {
        if (std::strcmp(name, "img") == 0) {
            if (const char* alt = attribute(atts, "alt")) (w.open->text += ' ') += alt;
        } else if (separates(name)) {
            w.open->text += ' ';
        }
    } else if (separates(name) && w.outside.size() < w.outside_cap) {
        w.outside += ' ';
    }
}

void on_end(void* ctx, const xmlChar* tag) {
    auto& w = *static_cast<html_walk*>(static_cast<htmlParserCtxtPtr>(ctx)->_private);
    const char* name = reinterpret_cast<const char*>(tag);
    if (std::strcmp(name, "a") == 0) {
        w.close();
    } else if (separates(name)) {
        if (w.open)
            w.open->text += ' ';
        else if (w.outside.size() < w.outside_cap)
            w.outside += ' ';
    }
}

void on_characters(void* ctx, const xmlChar* ch, int len) {
    auto& w = *static_cast<html_walk*>(static_cast<htmlParserCtxtPtr>(ctx)->_private);
    std::string_view text(reinterpret_cast<const char*>(ch), std::size_t(len));
    if (w.open) {
        // Room for white space that collapses: keep a few times the cut.
        if (w.open->text.size() < 4 * w.limits.max_text_bytes) w.open->text.append(text);
    } else if (w.outside.size() < w.outside_cap) {
        w.outside.append(text.substr(0, w.outside_cap - w.outside.size()));
    }
}

void on_ignored(void*, const xmlChar*, int) {}  // script and style content

}  // namespace

std::optional<url_host> parse_url(std::string_view written) {
    std::string s;
    for (char c : written.substr(0, 4096))
        if (!is_space(c)) s += c;
    std::size_t authority = 0;
    std::uint8_t traits = 0;
    if (istarts(s, "http")) {
        std::size_t at = 4;
        if (at < s.size() && lower(s[at]) == 's') ++at;
        auto rest = std::string_view(s).substr(at);
        if (rest.substr(0, 3) == "://") {
            authority = at + 3;
        } else {
            // "http//host", "http:/host", "http:\\host", "http:host": a
            // browser does not open them as the sender pretends.
            std::size_t junk = 0;
            while (junk < rest.size() && (rest[junk] == ':' || rest[junk] == '/' || rest[junk] == '\\'))
                ++junk;
            if (junk == 0 || (rest[0] != ':' && rest.substr(0, 2) != "//")) return std::nullopt;
            traits |= trait_malformed;
            authority = at + junk;
        }
    } else if (istarts(s, "www.")) {
        authority = 0;
    } else if (s.substr(0, 2) == "//") {
        authority = 2;
    } else {
        return std::nullopt;
    }
    auto auth = std::string_view(s).substr(authority);
    auth = auth.substr(0, std::min(auth.find_first_of("/?#\\"), auth.size()));
    if (auto at = auth.rfind('@'); at != std::string_view::npos) {
        traits |= trait_userinfo;
        auth.remove_prefix(at + 1);
    }
    std::string_view host = auth;
    std::string_view port;
    if (!host.empty() && host.front() == '[') {
        auto close = host.find(']');
        port = close == std::string_view::npos ? std::string_view() : host.substr(close + 1);
        host = host.substr(0, close == std::string_view::npos ? host.size() : close + 1);
        if (!port.empty() && port.front() == ':') port.remove_prefix(1);
    } else if (auto colon = host.rfind(':'); colon != std::string_view::npos) {
        port = host.substr(colon + 1);
        host = host.substr(0, colon);
    }
    if (!port.empty() && port != "80" && port != "443") traits |= trait_port;
    url_host out;
    if (host.find('%') != std::string_view::npos) traits |= trait_encoded;
    for (std::size_t i = 0; i < host.size(); ++i) {
        int hi = 0, lo = 0;
        if (host[i] == '%' && i + 2 < host.size() + 0 && (hi = hex_value(host[i + 1])) >= 0 &&
            (lo = hex_value(host[i + 2])) >= 0) {
            out.host += lower(char(hi * 16 + lo));
            i += 2;
        } else {
            out.host += lower(host[i]);
        }
    }
    while (!out.host.empty() && out.host.back() == '.') out.host.pop_back();
    if (!out.host.empty() && out.host.front() == '.') {
        traits |= trait_malformed;
        out.host.erase(0, out.host.find_first_not_of('.'));
    }
    if (out.host.empty() || out.host.find("..") != std::string::npos) traits |= trait_malformed;
    if (!out.host.empty() && ip_host(out.host)) traits |= trait_ip;
    out.traits = traits;
    return out;
}

std::string named_host(std::string_view text) {
    std::string found;
    each_text_url(text, 2048, [&](std::string_view, const url_host& u) {
        found = u.host;
        return false;
    });
    if (!found.empty()) return found;
    // A word of letters, digits, '-' and '.' whose last label is a public
    // suffix (no "*" rule: "john.smith" names no host).
    for (std::size_t i = 0; i < text.size();) {
        if (!is_alnum(text[i])) {
            ++i;
            continue;
        }
        std::size_t end = i;
        while (end < text.size() && (is_alnum(text[end]) || text[end] == '-' || text[end] == '.')) ++end;
        std::string word;
        for (std::size_t k = i; k < end; ++k) word += lower(text[k]);
        i = end;
        while (!word.empty() && (word.back() == '.' || word.back() == '-')) word.pop_back();
        auto dot = word.rfind('.');
        if (dot == std::string::npos || word.find("..") != std::string::npos) continue;
        std::string suffix = word.substr(dot + 1);
        if (suffix.size() < 2 ||
            !std::all_of(suffix.begin(), suffix.end(), [](char c) { return c >= 'a' && c <= 'z'; }))
            continue;
        if (psl() && psl_is_public_suffix2(psl(), suffix.c_str(), PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE))
            return word;
    }
    return {};
}

std::string registered_domain(std::string_view host) {
    std::string h(host);
    if (h.empty() || ip_host(h)) return h;
    const char* registrable = psl() ? psl_registrable_domain(psl(), h.c_str()) : nullptr;
    return registrable ? std::string(registrable) : h;
}

bool other_domain(std::string_view a, std::string_view b) {
    return registered_domain(a) != registered_domain(b);
}

bool poses_as(const link& l, std::string_view domain) {
    std::string d;
    for (char c : domain) d += lower(c);
    while (!d.empty() && (d.front() == '@' || d.front() == '.')) d.erase(0, 1);
    if (d.empty()) return false;
    auto in_domain = [&](std::string_view host) {
        return host == d ||
               (host.size() > d.size() && host.ends_with(d) && host[host.size() - d.size() - 1] == '.');
    };
    if (in_domain(l.host)) return false;
    if (!l.shown_host.empty() && in_domain(l.shown_host)) return true;
    if (!l.html) return false;  // a URL in plain text shows only itself
    std::string_view label = std::string_view(d).substr(0, d.find('.'));
    if (label.size() < 2) return false;
    for (std::size_t at = 0; at + label.size() <= l.text.size(); ++at) {
        if (!istarts(std::string_view(l.text).substr(at), label)) continue;
        bool starts = at == 0 || !is_alnum(l.text[at - 1]);
        bool ends = at + label.size() == l.text.size() || !is_alnum(l.text[at + label.size()]);
        if (starts && ends) return true;
    }
    return false;
}

void text_links(std::string_view text, const link_limits& limits, std::vector<link>& out) {
    text = text.substr(0, limits.max_part_bytes);
    each_text_url(text, limits.max_url_bytes, [&](std::string_view token, const url_host& u) {
        if (out.size() >= limits.max_links) return false;
        link l;
        l.url = std::string(token);
        l.text = l.url;
        l.host = u.host;
        l.shown_host = u.host;
        l.traits = u.traits;
        out.push_back(std::move(l));
        return true;
    });
}

namespace {

// Whether one of the url_block octets at p is one html_may_have_links
// looks at other than a letter: '&', '<', or one the parser drops (a
// control octet but tab, LF and CR; 0x80 and above, which as signed
// octets are below 0x20 too). A loop the compiler vectorises, as
// block_may_start_url.
[[gnu::always_inline]] inline bool block_has_markup(const char* p) {
    std::uint8_t any = 0;
    for (std::size_t j = 0; j < url_block; ++j) {
        auto c = std::int8_t(p[j]);
        any |= std::uint8_t((c < 0x20) & (c != '\t') & (c != '\n') & (c != '\r')) | std::uint8_t(c == '&') |
               std::uint8_t(c == '<');
    }
    return any != 0;
}

// How many octets of the n at p are whole blocks in a row with no markup
// and where no URL can begin, as url_free_blocks.
#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target_clones("avx2", "default")))
#endif
std::size_t
html_plain_blocks(const char* p, std::size_t n) {
    std::size_t at = 0;
    while (at + url_block_reach <= n && !block_has_markup(p + at) && !block_may_start_url(p + at))
        at += url_block;
    return at;
}

// The octets html_may_have_links stops at: '&', '<', those the parser
// drops, and the first letters of "http" and "www." (any case). Every
// other octet only matters as the one before a dropped octet.
constexpr std::array<bool, 256> html_stops = [] {
    std::array<bool, 256> stops{};
    for (int c = 0; c < 256; ++c)
        stops[c] = c == '&' || c == '<' || (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c >= 0x80 ||
                   c == 'h' || c == 'H' || c == 'w' || c == 'W';
    return stops;
}();

}  // namespace

bool html_may_have_links(std::string_view html) {
    // The letters a URL's start has before its last: "htt" of "http", "www" of "www.".
    auto url_letter = [](char c) {
        char l = lower(c);
        return l == 'h' || l == 't' || l == 'w';
    };
    // Whole blocks that hold no octet looked at below and where no URL
    // can begin are stepped over (the octet before a block is read as
    // html[i - 1] when the next one is scanned).
    std::size_t scanned_to = 0;
    for (std::size_t i = 0; i < html.size(); ++i) {
        if (i >= scanned_to) {
            i += html_plain_blocks(html.data() + i, html.size() - i);
            scanned_to = i + url_block;
        }
        auto c = static_cast<unsigned char>(html[i]);
        if (!html_stops[c]) continue;
        if (c == '&') return true;
        bool deletion = c == '<' || (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c >= 0x80;
        if (deletion && i > 0 && url_letter(html[i - 1])) return true;
        if (c == '<' && i + 1 < html.size() && lower(html[i + 1]) == 'a') return true;
        if ((lower(char(c)) == 'h' || lower(char(c)) == 'w') &&
            (istarts(html.substr(i), "http") || istarts(html.substr(i), "www.")))
            return true;
    }
    return false;
}

void html_links(std::string_view html, const link_limits& limits, std::vector<link>& out) {
    if (!html_may_have_links(html.substr(0, limits.max_part_bytes))) return;
    html_links_parsed(html, limits, out);
}

void html_links_parsed(std::string_view html, const link_limits& limits, std::vector<link>& out) {
    static std::once_flag init;
    std::call_once(init, [] { xmlInitParser(); });  // libxml2's globals, once, before any thread parses
    html = html.substr(0, limits.max_part_bytes);
    if (html.empty() || out.size() >= limits.max_links) return;
    htmlParserCtxtPtr ctxt = htmlCreateMemoryParserCtxt(html.data(), int(html.size()));
    if (!ctxt) return;
    html_walk walk{limits, out, std::nullopt, {}, limits.max_part_bytes};
    htmlSAXHandler sax{};
    sax.startElement = on_start;
    sax.endElement = on_end;
    sax.characters = on_characters;
    sax.cdataBlock = on_ignored;
    sax.ignorableWhitespace = on_characters;
    sax.initialized = XML_SAX2_MAGIC;
    // Broken markup is read as recovered, silently (the error type is
    // const from libxml2 2.12 on: a generic lambda fits either).
    sax.serror = [](void*, auto*) {};
    *ctxt->sax = sax;
    ctxt->_private = &walk;
    ctxt->userData = ctxt;
    // The part is UTF-8 already (decoded_text): its own <meta charset> is ignored.
    xmlSwitchEncoding(ctxt, XML_CHAR_ENCODING_UTF8);
    htmlCtxtUseOptions(ctxt, HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                 HTML_PARSE_NONET | HTML_PARSE_NOIMPLIED | HTML_PARSE_IGNORE_ENC);
    htmlParseDocument(ctxt);
    walk.close();
    if (ctxt->myDoc) xmlFreeDoc(ctxt->myDoc);
    htmlFreeParserCtxt(ctxt);
    text_links(walk.outside, limits, out);
}

}  // namespace sift::ext
