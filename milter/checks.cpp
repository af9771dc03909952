#include "checks.hpp"
#include "ascii.hpp"

#include <arpa/inet.h>
#include <algorithm>
#include <cctype>
#include <charconv>

namespace sift::milter {
namespace {

bool is_ip(std::string_view s) {
    std::string text(s);
    unsigned char buf[16];
    return inet_pton(AF_INET, text.c_str(), buf) == 1 || inet_pton(AF_INET6, text.c_str(), buf) == 1;
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() && lower(s.substr(0, prefix.size())) == prefix;
}

}  // namespace

std::optional<std::string> bogus_helo(std::string_view helo, const smtp_limits& limits) {
    std::string name = lower(helo);
    for (const auto& b : limits.banned_helo)
        if (name == lower(b)) return "a banned name";
    if (name.empty()) return "empty";
    if (name.front() == '[') return "an address literal, not a name";
    if (is_ip(name)) return "an IP address, not a name";
    if (name.back() == '.') name.pop_back();  // the root: "mx.example.com." is fully qualified
    if (name == "localhost" || name.ends_with(".localhost") || name == "localhost.localdomain")
        return "localhost";
    if (name.size() > 253) return "longer than a domain name can be";
    if (name.find('.') == std::string::npos) return "not a fully qualified domain name";
    std::size_t start = 0;
    std::string_view last;
    while (start <= name.size()) {
        auto dot = name.find('.', start);
        std::string_view label(name.data() + start, (dot == std::string::npos ? name.size() : dot) - start);
        if (label.empty() || label.size() > 63) return "an empty or overlong label";
        if (!std::all_of(label.begin(), label.end(),
                         [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-'; }))
            return "a character no host name has";
        if (label.front() == '-' || label.back() == '-') return "a label starting or ending with '-'";
        last = label;
        if (dot == std::string::npos) break;
        start = dot + 1;
    }
    if (std::all_of(last.begin(), last.end(),
                    [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
        return "an all-numeric top-level label";
    return std::nullopt;
}

std::optional<smtp_reply> check_helo(std::string_view helo, const smtp_limits& limits) {
    if (!limits.refuse_bogus_helo &&
        std::none_of(limits.banned_helo.begin(), limits.banned_helo.end(),
                     [&](const std::string& b) { return lower(b) == lower(helo); }))
        return std::nullopt;
    if (!bogus_helo(helo, limits)) return std::nullopt;
    return smtp_reply{550, "5.7.1", "Access denied - bogus HELO"};
}

namespace {
smtp_reply too_big() {
    return {552, "5.3.4", "Message size exceeds fixed maximum message size"};
}
}  // namespace

std::optional<smtp_reply> check_declared_size(const std::vector<std::string>& mail_params,
                                              const smtp_limits& limits) {
    if (limits.max_message_size == 0) return std::nullopt;
    for (const auto& p : mail_params) {
        if (!starts_with_ci(p, "size=")) continue;
        std::uint64_t declared = 0;
        auto digits = std::string_view(p).substr(5);
        auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), declared);
        // An overflowing SIZE= is larger than any limit.
        if (ec == std::errc::result_out_of_range) return too_big();
        if (ec == std::errc() && end == digits.data() + digits.size() && declared > limits.max_message_size)
            return too_big();
    }
    return std::nullopt;
}

std::optional<smtp_reply> check_size(std::uint64_t received, const smtp_limits& limits) {
    if (limits.max_message_size != 0 && received > limits.max_message_size) return too_big();
    return std::nullopt;
}

std::optional<smtp_reply> check_recipient_count(std::size_t accepted, const smtp_limits& limits) {
    if (accepted >= limits.max_recipients) return smtp_reply{452, "4.5.3", "Too many recipients"};
    return std::nullopt;
}

bool declares_smtputf8(const std::vector<std::string>& mail_params) {
    return std::any_of(mail_params.begin(), mail_params.end(),
                       [](const std::string& p) { return lower(p) == "smtputf8"; });
}

bool has_8bit(std::string_view name, std::string_view value) {
    auto high = [](char c) { return static_cast<unsigned char>(c) >= 0x80; };
    return std::any_of(name.begin(), name.end(), high) || std::any_of(value.begin(), value.end(), high);
}

std::optional<smtp_reply> check_header_bytes(std::string_view name, std::string_view value, bool smtputf8,
                                             const smtp_limits& limits) {
    if (smtputf8 || !limits.refuse_8bit_headers) return std::nullopt;
    if (has_8bit(name, value))
        return smtp_reply{550, "5.6.7", "The message contains a Unicode character in a disallowed header"};
    return std::nullopt;
}

namespace {
// The bytes a reply text costs on the wire: '%' is doubled (libmilter
// passes the text on as a format string).
std::size_t wire_size(std::string_view s) {
    return s.size() + std::size_t(std::count(s.begin(), s.end(), '%'));
}
}  // namespace

std::vector<std::string> reply_lines(std::string_view text, std::string_view enhanced,
                                     std::size_t max_lines) {
    // "550-5.7.1 " (or "550 5.7.1 ") before the text, CRLF after it.
    const std::size_t budget = max_reply_line - 2 - 4 - (enhanced.empty() ? 0 : enhanced.size() + 1);
    std::vector<std::string> lines;
    std::string line;
    std::size_t line_size = 0;
    auto flush = [&] {
        lines.push_back(std::move(line));
        line.clear();
        line_size = 0;
    };
    // Control characters (a CR or LF above all) are blanks between words.
    std::string clean;
    for (unsigned char c : text) clean += c < ' ' || c == 0x7f ? ' ' : char(c);
    std::size_t pos = 0;
    while (pos <= clean.size()) {
        auto end = clean.find(' ', pos);
        if (end == std::string::npos) end = clean.size();
        std::string word = clean.substr(pos, end - pos);
        pos = end + 1;
        if (word.empty()) continue;
        // A word longer than a line is cut where the line ends.
        while (wire_size(word) > budget) {
            if (!line.empty()) flush();
            std::size_t n = 0, size = 0;
            while (n < word.size() && size + (word[n] == '%' ? 2 : 1) <= budget)
                size += word[n++] == '%' ? 2 : 1;
            line = word.substr(0, n);
            flush();
            word.erase(0, n);
        }
        if (word.empty()) continue;
        std::size_t need = (line.empty() ? 0 : 1) + wire_size(word);
        if (line_size + need > budget) {
            flush();
            need = wire_size(word);
        }
        if (!line.empty()) line += ' ';
        line += word;
        line_size += need;
    }
    if (!line.empty() || lines.empty()) flush();
    if (lines.size() > max_lines) {
        lines.resize(max_lines);
        auto& last = lines.back();
        while (!last.empty() && wire_size(last) + 3 > budget) last.pop_back();
        last += "...";
    }
    for (auto& l : lines) {
        std::string doubled;
        for (char c : l) doubled += c == '%' ? std::string("%%") : std::string(1, c);
        l = std::move(doubled);
    }
    return lines;
}

std::string_view name(mail_path p) {
    return p == mail_path::submission ? "submission" : "inbound";
}

mail_path path_for(std::string_view auth_user, bool authenticated_is_submission) {
    return authenticated_is_submission && !auth_user.empty() ? mail_path::submission : mail_path::inbound;
}

void mark_path(std::vector<std::pair<std::string, std::string>>& items, mail_path p) {
    std::erase_if(items, [](const auto& item) { return item.first == submission_item; });
    if (p == mail_path::submission) items.emplace_back(std::string(submission_item), "on");
}

}  // namespace sift::milter
