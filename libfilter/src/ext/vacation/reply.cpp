// RFC 5230 §4.5 (who gets no reply), §4.6 (the reply's subject and from),
// RFC 3834 §2-§3 (what not to answer; Auto-Submitted, In-Reply-To,
// References, the null reverse-path), RFC 2047 (encoded subject and names),
// RFC 2045 §6.7 (quoted-printable body).
#include "ext/vacation/reply.hpp"

#include "mail/encode.hpp"
#include "mail/header.hpp"

#include "ext/state.hpp"
#include "mail/message.hpp"

#include <algorithm>
#include <array>
#include <ctime>

namespace sift::ext::vacation {
namespace {

using mail::crlf;
using mail::encode_words;
using mail::fold_words;
using mail::one_line;

using namespace std::chrono_literals;

bool ascii(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](unsigned char c) { return c < 0x80; });
}

std::string field(const mail::message& msg, std::string_view name) {
    const auto* f = msg.first(name);
    return f ? mail::message::decode(f->value) : std::string();
}

// The user's addresses: the envelope recipient, :addresses, the site's
// list, ORCPT if asked; lower-cased addr-specs.
std::vector<std::string> user_addresses(const envelope& env, const request& req,
                                        const vacation_options& options) {
    std::vector<std::string> out;
    auto add_path = [&](std::string_view path) {
        if (auto a = mail::parse_path(path); a && a->valid) out.push_back(mail::ascii_lower(a->all()));
    };
    add_path(env.to);
    if (options.use_original_recipient) add_path(env.orig_to);
    for (const auto& list : {std::cref(req.addresses), std::cref(options.user_addresses)})
        for (const auto& text : list.get())
            for (const auto& a : mail::parse_address_list(text))
                if (a.valid) out.push_back(mail::ascii_lower(a.all()));
    return out;
}

// RFC 3834 §2: owner-*, *-request, MAILER-DAEMON and the list managers.
bool system_address(const mail::address& a) {
    auto local = mail::ascii_lower(a.local_part);
    return local == "mailer-daemon" || local == "listserv" || local == "majordomo" ||
           local.starts_with("owner-") || local.ends_with("-request");
}

std::optional<std::string> header_refusal(const mail::message& msg) {
    // RFC 3834 §5: anything but "no" is automatic.
    if (msg.first("Auto-Submitted")) {
        auto value = mail::ascii_lower(field(msg, "Auto-Submitted"));
        auto token = value.substr(0, value.find(';'));
        while (!token.empty() && (token.back() == ' ' || token.back() == '\t')) token.pop_back();
        if (token != "no") return "the message is automatic (Auto-Submitted: " + token + ")";
    }
    if (msg.first("Precedence")) {
        auto value = mail::ascii_lower(field(msg, "Precedence"));
        if (value == "bulk" || value == "junk" || value == "list")
            return "the message is bulk mail (Precedence: " + value + ")";
    }
    // RFC 2369, RFC 2919.
    for (std::string_view name : {"List-Id", "List-Help", "List-Subscribe", "List-Unsubscribe", "List-Post",
                                  "List-Owner", "List-Archive"})
        if (msg.first(name)) return "the message comes from a mailing list (" + std::string(name) + ")";
    // Microsoft's suppression of out-of-office replies (as Pigeonhole).
    if (msg.first("X-Auto-Response-Suppress")) {
        auto value = mail::ascii_lower(field(msg, "X-Auto-Response-Suppress"));
        std::size_t i = 0;
        while (i < value.size()) {
            auto end = value.find_first_of(", \t", i);
            if (end == std::string::npos) end = value.size();
            auto token = value.substr(i, end - i);
            if (token == "all" || token == "oof")
                return "the sender suppresses auto-replies (X-Auto-Response-Suppress)";
            i = end + 1;
        }
    }
    return std::nullopt;
}

// RFC 5230 §4.5: a user address in To, Cc, Bcc or the Resent- fields.
std::optional<std::string> addressed(const mail::message& msg, const std::vector<std::string>& users) {
    for (std::string_view name : {"To", "Cc", "Bcc", "Resent-To", "Resent-Cc", "Resent-Bcc"}) {
        std::optional<std::string> found;
        msg.for_each(name, [&](const mail::header_field& f) {
            for (const auto& a : mail::parse_address_list(mail::message::unfold(f.value)))
                if (a.valid &&
                    std::find(users.begin(), users.end(), mail::ascii_lower(a.all())) != users.end()) {
                    found = a.all();
                    return false;
                }
            return true;
        });
        if (found) return found;
    }
    return std::nullopt;
}

// The original sender as the To field shows it: with the display name
// of the From/Sender field that carries the envelope sender's address.
std::string to_field(const mail::message& msg, const mail::address& sender) {
    auto wanted = mail::ascii_lower(sender.all());
    for (std::string_view name : {"From", "Sender", "Resent-From", "Resent-Sender", "Reply-To"}) {
        const auto* f = msg.first(name);
        if (!f) continue;
        for (const auto& a : mail::parse_address_list(mail::message::unfold(f->value)))
            if (a.valid && mail::ascii_lower(a.all()) == wanted)
                return mail::mailbox_field(a.display_name, sender.all(), 4);
    }
    return "<" + sender.all() + ">";
}

std::string from_field(const request& req, std::string_view user_address) {
    if (req.from) {
        if (ascii(*req.from)) return one_line(*req.from);
        if (auto a = mail::single_mailbox(*req.from))
            return mail::mailbox_field(a->display_name, a->all(), 6);
    }
    return "<" + std::string(user_address) + ">";
}

// The first "<id>" of a field, or "".
std::string first_id(std::string_view value) {
    auto open = value.find('<');
    auto close = value.find('>', open);
    if (open == std::string_view::npos || close == std::string_view::npos) return {};
    return std::string(value.substr(open, close - open + 1));
}

std::vector<std::string> all_ids(std::string_view value) {
    std::vector<std::string> ids;
    for (std::size_t at = 0;;) {
        auto open = value.find('<', at);
        if (open == std::string_view::npos) break;
        auto close = value.find('>', open);
        if (close == std::string_view::npos) break;
        ids.emplace_back(value.substr(open, close - open + 1));
        at = close + 1;
    }
    return ids;
}

std::vector<std::string> split_spaces(std::string_view s) {
    std::vector<std::string> words;
    std::size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
        auto end = s.find_first_of(" \t", i);
        if (end == std::string_view::npos) end = s.size();
        if (end > i) words.emplace_back(s.substr(i, end - i));
        i = end;
    }
    return words;
}

// The message's Sender, else its From, as the reply's To field writes it.
std::optional<std::string> sender_field(const mail::message& msg) {
    for (std::string_view name : {"Sender", "From"}) {
        const auto* f = msg.first(name);
        if (!f) continue;
        for (const auto& a : mail::parse_address_list(mail::message::unfold(f->value)))
            if (a.valid) return mail::mailbox_field(a.display_name, a.all(), 4);
    }
    return std::nullopt;
}

// §4.6: the subject when the script gives none (vacation_options).
std::string default_subject(const mail::message& msg, const vacation_options& options) {
    auto original = field(msg, "Subject");
    std::string subject;
    if (original.empty()) {
        subject = options.default_subject.empty() ? "Automated reply" : options.default_subject;
    } else if (options.subject_template.empty()) {
        subject = "Auto: " + original;
    } else {
        std::string_view t = options.subject_template;
        for (std::size_t at = 0; at < t.size();) {
            auto len = t.substr(at).starts_with("%{subject}") ? 10 : t.substr(at).starts_with("%$") ? 2 : 0;
            if (len) {
                subject += original;
                at += len;
            } else {
                subject += t[at++];
            }
        }
    }
    return mail::cut_characters(one_line(subject), options.max_subject_length);
}

std::string subject_field(std::string_view subject) {
    auto line = one_line(subject);
    // ASCII (including encoded words a script wrote itself) goes as it is.
    if (ascii(line)) return fold_words(split_spaces(line), 9);
    return encode_words(line, 9);
}

}  // namespace

std::optional<std::string> refusal(const mail::message& msg, const envelope& env, const request& req,
                                   const vacation_options& options, std::string& user_address) {
    auto sender = mail::parse_path(env.from);
    if (!sender) return "the sender is the null reverse-path (RFC 3834 §2)";
    if (!sender->valid) return "the sender address <" + env.from + "> is invalid";
    auto users = user_addresses(env, req, options);
    if (std::find(users.begin(), users.end(), mail::ascii_lower(sender->all())) != users.end())
        return "the sender is the user's own address";
    if (system_address(*sender))
        return "the sender <" + sender->all() + "> is a system address (RFC 3834 §2)";
    if (auto why = header_refusal(msg)) return why;
    if (!options.check_recipient) {
        auto to = mail::parse_path(env.to);
        user_address = to && to->valid ? to->all() : env.to;
        return std::nullopt;
    }
    auto found = addressed(msg, users);
    if (!found) return "none of the user's addresses is in To, Cc, Bcc or a Resent- field (RFC 5230 §4.5)";
    user_address = *found;
    return std::nullopt;
}

std::chrono::seconds period(const request& req, const vacation_options& options) {
    auto clamp = [&](std::uint64_t seconds) {
        auto lo = std::uint64_t(options.min_period.count()), hi = std::uint64_t(options.max_period.count());
        return std::chrono::seconds(std::max(lo, std::min(hi, seconds)));
    };
    constexpr std::uint64_t day = 86400;
    if (req.seconds) return *req.seconds == 0 ? 0s : clamp(*req.seconds);
    if (req.days) return clamp(*req.days > UINT64_MAX / day ? UINT64_MAX : *req.days * day);
    return clamp(std::uint64_t(options.default_period.count()));
}

std::string handle_hash(const request& req) {
    if (req.handle) return hash_hex("handle\n" + *req.handle);
    std::string derived = "derived\n" + req.reason;
    derived += req.subject ? "\n1" + *req.subject : "\n0";
    derived += req.from ? "\n1" + *req.from : "\n0";
    derived += req.mime ? "\nmime" : "\ntext";
    return hash_hex(derived);
}

reply build(const mail::message& msg, const envelope& env, const request& req, std::string_view user_address,
            const vacation_options& options, std::chrono::system_clock::time_point now) {
    reply r;
    r.subject = req.subject ? mail::decode_header(one_line(*req.subject)) : default_subject(msg, options);
    auto sender = mail::parse_path(env.from);
    auto from = from_field(req, user_address);
    auto from_address = mail::single_mailbox(from);
    std::string domain = from_address ? from_address->domain : std::string();

    std::string d;
    d += "From: " + from + "\r\n";
    auto to = sender ? to_field(msg, *sender) : "<" + env.from + ">";
    if (options.to_header_ignore_envelope) to = sender_field(msg).value_or(to);
    d += "To: " + to + "\r\n";
    d += "Subject: " + subject_field(req.subject ? *req.subject : r.subject) + "\r\n";
    d += "Date: " + mail::rfc5322_date(std::chrono::system_clock::to_time_t(now)) + "\r\n";
    d += "Message-ID: " + mail::message_id("vacation", domain, std::chrono::system_clock::to_time_t(now)) +
         "\r\n";
    // RFC 3834 §3.1.3-§3.1.5, RFC 5322 §3.6.4.
    auto id = msg.first("Message-ID") ? first_id(field(msg, "Message-ID")) : std::string();
    if (!id.empty()) {
        d += "In-Reply-To: " + id + "\r\n";
        auto refs = all_ids(field(msg, "References"));
        if (refs.empty()) refs = all_ids(field(msg, "In-Reply-To"));
        refs.push_back(id);
        d += "References: " + fold_words(refs, 12) + "\r\n";
    }
    d += "Auto-Submitted: auto-replied (vacation)\r\n";
    d += "Precedence: bulk\r\n";
    d += "X-Auto-Response-Suppress: All\r\n";
    d += "MIME-Version: 1.0\r\n";
    if (req.mime) {
        d += crlf(req.reason);  // header fields, an empty line and the body (checked)
        if (!d.ends_with("\r\n")) d += "\r\n";
    } else {
        d += mail::text_entity(req.reason);
    }
    r.data = std::move(d);
    return r;
}

}  // namespace sift::ext::vacation
