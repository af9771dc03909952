// The entry rules of allow and block lists and the names of Sift's global
// and per-user lists (sift/lists.hpp): what every provider (file, LMDB,
// Redis) shares.
#include <sift/lists.hpp>

#include "mail/header.hpp"

#include <cctype>

namespace sift::lists {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
        s.remove_suffix(1);
    return s;
}

std::string_view unbracket(std::string_view s) {
    s = trim(s);
    if (s.size() >= 2 && s.front() == '<' && s.back() == '>') s = s.substr(1, s.size() - 2);
    return s;
}

// Why `domain` (lower-cased, trailing dot dropped) is not one, or "".
std::string domain_problem(std::string_view domain) {
    if (domain.empty()) return "the domain is empty";
    if (domain.size() > 253) return "the domain is longer than 253 characters";
    std::size_t label = 0;
    for (char c : domain) {
        auto u = static_cast<unsigned char>(c);
        if (c == '.') {
            if (label == 0) return "the domain has an empty label";
            label = 0;
            continue;
        }
        // Letters, digits, '-', '_' (seen in real host names) and UTF-8 (IDNs).
        if (!(std::isalnum(u) || c == '-' || c == '_' || u >= 0x80))
            return std::string("the domain holds '") + c + "'";
        if (++label > 63) return "a label of the domain is longer than 63 characters";
    }
    return "";
}

void add_domain_keys(std::string_view domain, std::vector<std::string>& keys) {
    while (!domain.empty() && domain.back() == '.') domain.remove_suffix(1);
    if (domain.empty()) return;
    keys.push_back("@" + std::string(domain));
    for (std::string_view d = domain;;) {
        if (!d.empty()) keys.push_back("@." + std::string(d));
        auto dot = d.find('.');
        if (dot == std::string_view::npos) break;
        d.remove_prefix(dot + 1);
    }
}

}  // namespace

std::string normalize_entry(std::string_view written) {
    auto entry = trim(written);
    auto quoted = "'" + std::string(entry) + "'";
    if (entry.empty()) throw list_error("empty entry");
    for (char c : entry)
        if (static_cast<unsigned char>(c) <= ' ' || c == 0x7F)
            throw list_error("entry " + quoted + " holds a space or a control character");
    auto at = entry.rfind('@');
    if (at == std::string_view::npos)
        throw list_error(
            "entry " + quoted +
            " is neither an address (anna@example.com) nor a domain (@example.com, @.example.com)");
    std::string out = mail::ascii_lower(entry);
    std::string_view domain = std::string_view(out).substr(at + 1);
    std::size_t keep = out.size();
    if (at == 0 && domain.starts_with(".")) domain.remove_prefix(1);  // "@.example.com"
    while (!domain.empty() && domain.back() == '.') {
        domain.remove_suffix(1);
        --keep;
    }
    if (auto why = domain_problem(domain); !why.empty()) throw list_error("entry " + quoted + ": " + why);
    out.resize(keep);
    if (at > 0) {
        auto local = std::string_view(out).substr(0, at);
        for (char c : local)
            if (c == '@' || c == '<' || c == '>' || c == ',' || c == ';')
                throw list_error("entry " + quoted + ": the local part holds '" + std::string(1, c) + "'");
        if (out.size() > 254) throw list_error("entry " + quoted + " is longer than 254 characters");
    }
    return out;
}

std::vector<std::string> lookup_keys(std::string_view value) {
    std::vector<std::string> keys;
    auto v = mail::ascii_lower(unbracket(value));
    if (v.empty()) return keys;
    keys.push_back(v);
    auto at = v.rfind('@');
    std::string_view domain =
        at == std::string::npos ? std::string_view(v) : std::string_view(v).substr(at + 1);
    if (at == 0 && domain.starts_with(".")) domain.remove_prefix(1);  // looking up "@.x" itself
    // A bare value is a domain only if it looks like one.
    if (at == std::string::npos && !domain_problem(domain).empty()) return keys;
    std::size_t first = keys.size();
    add_domain_keys(domain, keys);
    // "@example.com" looked up is its own first domain key.
    if (keys.size() > first && keys[first] == keys[0]) keys.erase(keys.begin() + static_cast<long>(first));
    return keys;
}

std::string list_user(std::string_view recipient, std::string_view delimiters) {
    auto r = unbracket(recipient);
    auto at = r.rfind('@');
    if (at == std::string_view::npos || at == 0 || at + 1 == r.size()) return "";
    auto local = r.substr(0, at);
    if (auto d = delimiters.empty() ? std::string_view::npos : local.find_first_of(delimiters);
        d != std::string_view::npos && d > 0)
        local = local.substr(0, d);
    auto domain = r.substr(at + 1);
    std::string out;
    out.reserve(local.size() + 1 + domain.size());
    for (char c : local) out += mail::ascii_lower(c);
    out += '@';
    for (char c : domain) out += mail::ascii_lower(c);
    while (!out.empty() && out.back() == '.') out.pop_back();
    for (char c : out)
        if (static_cast<unsigned char>(c) <= ' ' || c == 0x7F || c == '/') return "";
    return out;
}

std::string user_list(std::string_view user, std::string_view kind) {
    auto u = list_user(user, "");
    if (u.empty()) throw list_error("'" + std::string(user) + "' is not a user's address (user@domain)");
    if (kind.empty()) throw list_error("empty list kind");
    return std::string(users_space) + u + "/" + mail::ascii_lower(kind);
}

std::string resolve(std::string_view list, std::string_view user) {
    // The prefixes are lower case: a case-insensitive comparison is the
    // lower-cased prefix's, without making it.
    auto starts = [&](std::string_view p) {
        return list.size() >= p.size() && mail::iequals(list.substr(0, p.size()), p);
    };
    if (starts(users_space)) return "";
    if (starts(user_space)) {
        auto kind = list.substr(user_space.size());
        if (user.empty() || kind.empty()) return "";
        std::string out;
        out.reserve(users_space.size() + user.size() + 1 + kind.size());
        out += users_space;
        out += user;
        out += '/';
        for (char c : kind) out += mail::ascii_lower(c);
        return out;
    }
    return std::string(list);
}

}  // namespace sift::lists
