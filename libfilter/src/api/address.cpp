// sift/address.hpp: the public face of the message model's address parser
// (mail/address.hpp) and of subaddress's split (ext/subaddress), so that a
// frontend reads addresses exactly as the address and envelope tests do.
#include <sift/address.hpp>

#include "ext/subaddress/subaddress.hpp"
#include "mail/address.hpp"

namespace sift {
namespace {

// The parser's strings move into the public address (its text, local
// part and display name are often too long for the short-string buffer).
address from_mail(mail::address&& a, std::string_view delimiters) {
    address out;
    out.text = std::move(a.text);
    out.valid = a.valid;
    if (!a.valid) return out;
    out.display_name = std::move(a.display_name);
    out.local_part = std::move(a.local_part);
    out.domain = std::move(a.domain);
    auto split = ext::split_subaddress(out.local_part, delimiters);
    out.user = std::string(split.user);
    if (split.detail) out.detail = std::string(*split.detail);
    return out;
}

std::optional<address> from_mail(std::optional<mail::address>&& a, std::string_view delimiters) {
    if (!a) return std::nullopt;
    return from_mail(std::move(*a), delimiters);
}

}  // namespace

std::string address::all() const {
    return mail::address_all(local_part, domain, text, valid);
}

std::vector<address> parse_address_list(std::string_view value, std::string_view delimiters) {
    std::vector<address> out;
    for (auto& a : mail::parse_address_list(value)) out.push_back(from_mail(std::move(a), delimiters));
    return out;
}

std::optional<address> parse_mailbox(std::string_view text, std::string_view delimiters) {
    return from_mail(mail::single_mailbox(text), delimiters);
}

std::optional<address> parse_path(std::string_view path, std::string_view delimiters) {
    return from_mail(mail::parse_path(path), delimiters);
}

std::optional<address> parse_envelope_path(std::string_view path, std::string_view delimiters) {
    return from_mail(mail::parse_envelope_path(path), delimiters);
}

}  // namespace sift
