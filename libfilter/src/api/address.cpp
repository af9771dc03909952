// sift/address.hpp: the public face of the message model's address parser
// (mail/address.hpp) and of subaddress's split (ext/subaddress), so that a
// frontend reads addresses exactly as the address and envelope tests do.
#include <sift/address.hpp>

#include "ext/subaddress/subaddress.hpp"
#include "mail/address.hpp"

namespace sift {
namespace {

address from_mail(const mail::address& a, std::string_view delimiters) {
    address out;
    out.text = std::string(a.text);
    out.valid = a.valid;
    if (!a.valid) return out;
    out.display_name = std::string(a.display_name);
    out.local_part = std::string(a.local_part);
    out.domain = std::string(a.domain);
    auto split = ext::split_subaddress(out.local_part, delimiters);
    out.user = std::string(split.user);
    if (split.detail) out.detail = std::string(*split.detail);
    return out;
}

std::optional<address> from_mail(const std::optional<mail::address>& a, std::string_view delimiters) {
    if (!a) return std::nullopt;
    return from_mail(*a, delimiters);
}

}  // namespace

std::string address::all() const {
    mail::address a;
    a.local_part = local_part;
    a.domain = domain;
    a.text = text;
    a.valid = valid;
    return a.all();
}

std::vector<address> parse_address_list(std::string_view value, std::string_view delimiters) {
    std::vector<address> out;
    for (const auto& a : mail::parse_address_list(value)) out.push_back(from_mail(a, delimiters));
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
