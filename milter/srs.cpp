#include "srs.hpp"
#include "ascii.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <stdexcept>

namespace sift::milter::srs {
namespace {

constexpr std::string_view base32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr int seconds_per_day = 60 * 60 * 24;
constexpr int time_slots = 1024;  // two base32 characters

bool is_separator(char c) {
    return c == '=' || c == '-' || c == '+';
}

bool starts_with_tag(std::string_view local, std::string_view tag) {
    return local.size() > tag.size() && iequals(local.substr(0, tag.size()), tag) &&
           is_separator(local[tag.size()]);
}

int day_slot(std::time_t now) {
    return static_cast<int>((now / seconds_per_day) % time_slots);
}

std::string timestamp(std::time_t now) {
    int t = day_slot(now);
    return {base32[(t >> 5) & 31], base32[t & 31]};
}

// The slot a timestamp names, or -1 for characters outside base32
// (either case: some systems lower-case the whole address).
int decode_timestamp(std::string_view tt) {
    if (tt.size() != 2) return -1;
    int value = 0;
    for (char ch : tt) {
        auto at = base32.find(static_cast<char>(std::toupper(static_cast<unsigned char>(ch))));
        if (at == std::string_view::npos) return -1;
        value = value * 32 + static_cast<int>(at);
    }
    return value;
}

// base64(HMAC-SHA1(secret, lower(fields...))), all 27 significant characters.
std::string full_hash(std::string_view secret, std::initializer_list<std::string_view> fields) {
    std::string data;
    for (auto f : fields) data += lower(f);
    std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
    unsigned int mac_len = 0;
    if (HMAC(EVP_sha1(), secret.data(), static_cast<int>(secret.size()),
             reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac.data(),
             &mac_len) == nullptr)
        throw std::runtime_error("SRS: HMAC-SHA1 failed (OpenSSL)");
    std::array<unsigned char, 4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1> text{};
    int n = EVP_EncodeBlock(text.data(), mac.data(), static_cast<int>(mac_len));
    return {reinterpret_cast<const char*>(text.data()), static_cast<std::size_t>(n)};
}

std::string make_hash(const config& c, std::initializer_list<std::string_view> fields) {
    return full_hash(c.secrets.front(), fields).substr(0, static_cast<std::size_t>(c.hash_length));
}

// A hash in an address is good when it is at least hash_min characters and
// the start of what some secret gives, compared case-insensitively (as
// libsrs2 does: an address may come back lower-cased).
bool hash_ok(const config& c, std::string_view given, std::initializer_list<std::string_view> fields) {
    if (given.size() < static_cast<std::size_t>(c.hash_min)) return false;
    return std::any_of(c.secrets.begin(), c.secrets.end(), [&](const std::string& secret) {
        auto h = full_hash(secret, fields);
        return given.size() <= h.size() && iequals(given, std::string_view(h).substr(0, given.size()));
    });
}

// "SRS0=HHHH=TT=domain=local": the fields after the tag, split at the
// first three '=' (only the separator after the tag may be - or +; the
// hash is base64 and may hold '+'; the local part may hold more '=').
struct srs0_fields {
    std::string_view hash, ts, domain, local;
};

bool split_srs0(std::string_view rest, srs0_fields& f) {  // rest: after "SRS0" and its separator
    std::array<std::string_view, 3> parts;
    for (auto& p : parts) {
        auto at = rest.find('=');
        if (at == std::string_view::npos) return false;
        p = rest.substr(0, at);
        rest.remove_prefix(at + 1);
    }
    f = {parts[0], parts[1], parts[2], rest};
    return !f.hash.empty() && !f.domain.empty() && !f.local.empty();
}

// "SRS1=HHHH=host=<user>", split at the first two '=': <user> is the SRS0 address's local part after
// "SRS0" (it starts with that address's separator, hence "==").
struct srs1_fields {
    std::string_view hash, host, user;
};

bool split_srs1(std::string_view rest, srs1_fields& f) {  // rest: after "SRS1" and its separator
    auto a = rest.find('=');
    if (a == std::string_view::npos) return false;
    f.hash = rest.substr(0, a);
    rest.remove_prefix(a + 1);
    auto b = rest.find('=');
    if (b == std::string_view::npos) return false;
    f.host = rest.substr(0, b);
    f.user = rest.substr(b + 1);
    return !f.hash.empty() && !f.host.empty() && !f.user.empty() && is_separator(f.user.front());
}

}  // namespace

bool local_domain(const config& c, std::string_view domain) {
    if (iequals(domain, c.domain)) return true;
    return std::any_of(c.exclude_domains.begin(), c.exclude_domains.end(),
                       [&](const std::string& d) { return iequals(domain, d); });
}

void check(const config& c) {
    if (c.domain.empty()) throw std::invalid_argument("SRS: no domain to rewrite into");
    if (c.secrets.empty() ||
        std::any_of(c.secrets.begin(), c.secrets.end(), [](auto& s) { return s.empty(); }))
        throw std::invalid_argument("SRS: no secret (or an empty one)");
    if (!is_separator(c.separator)) throw std::invalid_argument("SRS: the separator must be one of = - +");
    if (c.hash_length < 1 || c.hash_length > 27 || c.hash_min < 1 || c.hash_min > c.hash_length)
        throw std::invalid_argument("SRS: hash length 1..27, and the minimum no more than the length");
    if (c.max_age_days < 1 || c.max_age_days >= time_slots)
        throw std::invalid_argument("SRS: max_age_days must be 1..1023");
}

forward_result forward(const config& c, std::string_view sender, std::time_t now) {
    if (sender.empty()) return {forward_outcome::unchanged_null, std::string()};
    auto at = sender.rfind('@');
    if (at == std::string_view::npos || at == 0 || at + 1 == sender.size())
        return {forward_outcome::invalid, std::string(sender), "no '@' in the sender address"};
    auto local = sender.substr(0, at);
    auto domain = sender.substr(at + 1);
    if (local_domain(c, domain)) return {forward_outcome::unchanged_local, std::string(sender)};

    const std::string sep(1, c.separator);
    const std::string tail = "@" + c.domain;
    if (starts_with_tag(local, "SRS0")) {
        // Someone else's SRS0 address (or ours come back): ours stays; for
        // another forwarder's, an SRS1 that names it as the first hop.
        auto user = local.substr(4);
        srs0_fields f;
        if (split_srs0(user.substr(1), f) && hash_ok(c, f.hash, {f.ts, f.domain, f.local}))
            return {forward_outcome::unchanged_ours, std::string(sender)};
        auto h = make_hash(c, {domain, user});
        return {forward_outcome::rewritten,
                "SRS1" + sep + h + "=" + std::string(domain) + "=" + std::string(user) + tail};
    }
    if (starts_with_tag(local, "SRS1")) {
        // An SRS1 address: the first hop stays the same, re-signed by us.
        srs1_fields f;
        if (split_srs1(local.substr(5), f)) {
            if (hash_ok(c, f.hash, {f.host, f.user}))
                return {forward_outcome::unchanged_ours, std::string(sender)};
            auto h = make_hash(c, {f.host, f.user});
            return {forward_outcome::rewritten,
                    "SRS1" + sep + h + "=" + std::string(f.host) + "=" + std::string(f.user) + tail};
        }
        // Not a well-formed SRS1 address: an ordinary local part.
    }
    auto ts = timestamp(now);
    auto h = make_hash(c, {ts, domain, local});
    return {forward_outcome::rewritten,
            "SRS0" + sep + h + "=" + ts + "=" + std::string(domain) + "=" + std::string(local) + tail};
}

bool srs_form(const config& c, std::string_view recipient) {
    auto at = recipient.rfind('@');
    if (at == std::string_view::npos || !iequals(recipient.substr(at + 1), c.domain)) return false;
    auto local = recipient.substr(0, at);
    if (starts_with_tag(local, "SRS0")) {
        srs0_fields f;
        return split_srs0(local.substr(5), f);
    }
    if (starts_with_tag(local, "SRS1")) {
        srs1_fields f;
        return split_srs1(local.substr(5), f);
    }
    return false;
}

reverse_result reverse(const config& c, std::string_view recipient, std::time_t now) {
    auto at = recipient.rfind('@');
    if (at == std::string_view::npos) return {false, std::string(), "no '@' in the address"};
    auto local = recipient.substr(0, at);
    if (!iequals(recipient.substr(at + 1), c.domain))
        return {false, std::string(), "not in the SRS domain " + c.domain};
    if (starts_with_tag(local, "SRS0")) {
        srs0_fields f;
        if (!split_srs0(local.substr(5), f)) return {false, std::string(), "not an SRS address"};
        if (!hash_ok(c, f.hash, {f.ts, f.domain, f.local})) return {false, std::string(), "hash invalid"};
        int then = decode_timestamp(f.ts);
        if (then < 0) return {false, std::string(), "timestamp invalid"};
        int age = (day_slot(now) - then + time_slots) % time_slots;
        if (age > c.max_age_days) return {false, std::string(), "timestamp expired"};
        return {true, std::string(f.local) + "@" + std::string(f.domain)};
    }
    if (starts_with_tag(local, "SRS1")) {
        srs1_fields f;
        if (!split_srs1(local.substr(5), f)) return {false, std::string(), "not an SRS address"};
        if (!hash_ok(c, f.hash, {f.host, f.user})) return {false, std::string(), "hash invalid"};
        return {true, "SRS0" + std::string(f.user) + "@" + std::string(f.host)};
    }
    return {false, std::string(), "not an SRS address"};
}

}  // namespace sift::milter::srs
