#include "mail/encode.hpp"

#include "mail/header.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <random>

namespace sift::mail {

std::string fold_words(const std::vector<std::string>& words, std::size_t used) {
    std::string out;
    std::size_t line = used;
    for (const auto& w : words) {
        if (!out.empty()) {
            if (line + 1 + w.size() > 78) {
                out += "\r\n";
                line = 0;
            }
            out += ' ';
            ++line;
        }
        out += w;
        line += w.size();
    }
    return out;
}

namespace {

// `octets` in base64 (RFC 2045 §6.8), padded, without line breaks.
void append_base64(std::string_view octets, std::string& out) {
    static constexpr char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (std::size_t k = 0; k < octets.size(); k += 3) {
        std::uint32_t n = std::uint32_t(static_cast<unsigned char>(octets[k])) << 16;
        if (k + 1 < octets.size()) n |= std::uint32_t(static_cast<unsigned char>(octets[k + 1])) << 8;
        if (k + 2 < octets.size()) n |= static_cast<unsigned char>(octets[k + 2]);
        out += b64[(n >> 18) & 63];
        out += b64[(n >> 12) & 63];
        out += k + 1 < octets.size() ? b64[(n >> 6) & 63] : '=';
        out += k + 2 < octets.size() ? b64[n & 63] : '=';
    }
}

}  // namespace

std::string encode_words(std::string_view utf8, std::size_t used) {
    std::vector<std::string> words;
    std::size_t i = 0;
    // The first word shares its line with `used` octets: it is shorter, so
    // that line too stays within 78 ("=?utf-8?b?" "?=" and 4 per 3 octets),
    // yet long enough (6) to hold any character whole.
    std::size_t first = used < 58 ? std::min<std::size_t>(45, (78 - used - 12) / 4 * 3) : 45;
    while (i < utf8.size()) {
        std::size_t end = std::min(utf8.size(), i + (words.empty() ? first : 45));
        while (end < utf8.size() && end > i + 1 && (static_cast<unsigned char>(utf8[end]) & 0xC0) == 0x80)
            --end;
        std::string word = "=?utf-8?b?";
        append_base64(utf8.substr(i, end - i), word);
        words.push_back(word + "?=");
        i = end;
    }
    return fold_words(words, used);
}

void append_header_text(std::string& out, std::string_view text, std::size_t used) {
    bool ascii =
        std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
    if (ascii)
        out.append(text);
    else
        out += encode_words(text, used);
}

std::string header_text(std::string_view text, std::size_t used) {
    std::string out;
    append_header_text(out, text, used);
    return out;
}

std::string one_line(std::string_view text) {
    std::string out(text);
    std::replace_if(
        out.begin(), out.end(), [](char c) { return c == '\r' || c == '\n'; }, ' ');
    return out;
}

std::string crlf(std::string_view text) {
    std::string out;
    out.reserve(text.size() + text.size() / 32);
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\r') {
            out += "\r\n";
            if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
        } else if (text[i] == '\n') {
            out += "\r\n";
        } else {
            out += text[i];
        }
    }
    return out;
}

std::string with_eol(std::string crlf_text, std::string_view eol) {
    if (eol == "\r\n") return crlf_text;
    std::string out;
    out.reserve(crlf_text.size());
    for (std::size_t i = 0; i < crlf_text.size(); ++i) {
        if (crlf_text[i] == '\r' && i + 1 < crlf_text.size() && crlf_text[i + 1] == '\n') {
            out += eol;
            ++i;
        } else {
            out += crlf_text[i];
        }
    }
    return out;
}

std::string_view eol_of(std::string_view raw) {
    auto lf = raw.find('\n');
    return lf != std::string_view::npos && (lf == 0 || raw[lf - 1] != '\r') ? "\n" : "\r\n";
}

std::string base64_lines(std::string_view octets) {
    std::string out;
    out.reserve((octets.size() + 2) / 3 * 4 + (octets.size() / 57 + 1) * 2);
    // 57 octets are one line's 76 characters.
    for (std::size_t i = 0; i < octets.size(); i += 57) {
        append_base64(octets.substr(i, 57), out);
        out += "\r\n";
    }
    return out;
}

std::string quoted_printable(std::string_view text) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        auto end = text.find("\r\n", pos);
        bool last = end == std::string_view::npos;
        auto line = text.substr(pos, (last ? text.size() : end) - pos);
        std::size_t width = 0;
        for (std::size_t i = 0; i < line.size(); ++i) {
            unsigned char c = line[i];
            bool trailing_space = (c == ' ' || c == '\t') && i + 1 == line.size();
            std::string piece;
            if ((c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !trailing_space))
                piece = char(c);
            else
                piece = {'=', hex[c >> 4], hex[c & 15]};
            if (width + piece.size() > 75) {
                out += "=\r\n";
                width = 0;
            }
            out += piece;
            width += piece.size();
        }
        if (last) break;
        out += "\r\n";
        pos = end + 2;
    }
    return out;
}

std::string text_entity(std::string_view utf8) {
    auto body = crlf(utf8);
    if (!body.ends_with("\r\n")) body += "\r\n";
    bool long_line = false;
    for (std::size_t at = 0, next; (next = body.find("\r\n", at)) != std::string::npos; at = next + 2)
        long_line |= next - at > 998;  // RFC 5322 §2.1.1
    bool ascii =
        std::all_of(body.begin(), body.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
    std::string out = "Content-Type: text/plain; charset=utf-8\r\n";
    if (ascii && !long_line) return out + "Content-Transfer-Encoding: 7bit\r\n\r\n" + body;
    return out + "Content-Transfer-Encoding: quoted-printable\r\n\r\n" + quoted_printable(body);
}

bool is_mime_entity(std::string_view text) {
    auto entity = crlf(text);
    auto end = entity.find("\r\n\r\n");
    if (entity.starts_with("\r\n")) return false;  // no header fields at all
    if (end == std::string::npos) return false;
    std::string_view header(entity.data(), end + 2);
    std::size_t pos = 0;
    bool content_field = false;
    while (pos < header.size()) {
        auto eol = header.find("\r\n", pos);
        auto line = header.substr(pos, eol - pos);
        pos = eol + 2;
        if (line.starts_with(' ') || line.starts_with('\t')) continue;  // folded
        auto colon = line.find(':');
        if (colon == 0 || colon == std::string_view::npos) return false;
        for (unsigned char c : line.substr(0, colon))
            if (c <= 32 || c >= 127) return false;
        if (colon >= 8 && iequals(line.substr(0, 8), "content-")) content_field = true;
    }
    return content_field;
}

std::string rfc5322_date(std::int64_t seconds_since_epoch) {
    std::time_t t = static_cast<std::time_t>(seconds_since_epoch);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buffer[64];
    std::strftime(buffer, sizeof buffer, "%a, %d %b %Y %H:%M:%S +0000", &tm);
    return buffer;
}

std::string mailbox_field(std::string_view display_name, std::string_view addr, std::size_t used) {
    if (display_name.empty()) return "<" + std::string(addr) + ">";
    auto const name = one_line(display_name);
    if (!std::all_of(name.begin(), name.end(), [](unsigned char c) { return c < 0x80; }))
        return encode_words(name, used) + " <" + std::string(addr) + ">";
    std::string out = "\"";
    for (char c : name) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\" <" + std::string(addr) + ">";
}

std::string message_id(std::string_view kind, std::string_view domain, std::int64_t seconds_since_epoch) {
    static thread_local std::mt19937_64 random{std::random_device{}()};
    char unique[17];
    std::snprintf(unique, sizeof unique, "%016llx", static_cast<unsigned long long>(random()));
    return "<sift-" + std::string(kind) + "." + std::to_string(seconds_since_epoch) + "." + unique + "@" +
           std::string(domain.empty() ? "localhost" : domain) + ">";
}

std::string cut_characters(std::string_view utf8, std::size_t max) {
    if (max == 0) return std::string(utf8);
    std::size_t chars = 0, keep = 0;
    for (std::size_t at = 0; at < utf8.size(); ++at) {
        if ((static_cast<unsigned char>(utf8[at]) & 0xC0) == 0x80) continue;  // continuation byte
        if (++chars == max) keep = at;
        if (chars > max) return std::string(utf8.substr(0, keep)) + "\u2026";
    }
    return std::string(utf8);
}

}  // namespace sift::mail
