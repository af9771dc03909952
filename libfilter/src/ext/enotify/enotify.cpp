// RFC 5435 (enotify) with the mailto method of RFC 5436.
//
//   notify [":from" string] [":importance" <"1" / "2" / "3">]
//          [":options" string-list] [":message" string] <method: string>
//   valid_notify_method <notification-uris: string-list>          (§4)
//   notify_method_capability [COMPARATOR] [MATCH-TYPE]
//          <notification-uri: string> <notification-capability: string>
//          <key-list: string-list>                                 (§5)
//   set MODIFIER =/ ":encodeurl"   (§6, precedence 15, ext/variables)
//
// Only "mailto" is supported. Constant URIs, :from, :importance and
// :options are checked when compiling (an error names what is wrong and
// where in the URI); values built from variables are checked at run time,
// where a bad one is a runtime error (the message is kept).
//
// The notification is built here as a complete message (RFC 5436 §2.7:
// From, To, Cc, Subject, Auto-Submitted: auto-notified, importance
// headers) in notify_action::outgoing, with the null reverse-path so that a
// bounce cannot loop (the host may choose another envelope sender); the
// library never sends it. Deduplication (RFC 5435 §3.9, as Pigeonhole): a
// notify with the same method URI as an earlier one is dropped, and a
// recipient already notified by an earlier notify is left out of the
// later ones. RFC 5436 §2.7 / RFC 3834: no notification is sent for a
// message that is itself auto-submitted (the action stays in the result
// without outgoing message, saying why).
#include "compile/emitter.hpp"
#include "ext/enotify/mailto.hpp"
#include "ext/extension.hpp"
#include "ext/fcc/fcc.hpp"
#include "ext/relational/relational.hpp"
#include "mail/address.hpp"
#include "mail/encode.hpp"
#include "mail/header.hpp"
#include "mail/message.hpp"
#include "validate/registry.hpp"
#include "vm/exec.hpp"

#include <algorithm>
#include <cctype>

namespace sift::ext {
using namespace validate;

namespace {

enum notify_flags : std::uint64_t {
    importance_mask = vm::flag(vm::opcode::act_notify, "importance"),
    has_from = vm::flag(vm::opcode::act_notify, "from"),
    has_message = vm::flag(vm::opcode::act_notify, "message")
};

// The scheme of a URI, lower-cased, or "" when there is none.
std::string scheme_of(std::string_view uri) {
    auto colon = uri.find(':');
    if (colon == std::string_view::npos || colon == 0) return {};
    for (std::size_t i = 0; i < colon; ++i) {
        auto c = static_cast<unsigned char>(uri[i]);
        if (!std::isalnum(c) && c != '+' && c != '-' && c != '.') return {};
    }
    return mail::ascii_lower(uri.substr(0, colon));
}

// Why a method URI cannot be used, or nullopt when it can.
std::optional<std::string> method_error(std::string_view uri) {
    auto scheme = scheme_of(uri);
    if (scheme.empty()) return "invalid notification method URI '" + std::string(uri) + "'";
    if (scheme != "mailto") return "unsupported notification method '" + scheme + "'";
    uri_error e;
    if (!parse_mailto(uri, e))
        return "invalid mailto URI '" + std::string(uri) + "': " + e.message + " (at character " +
               std::to_string(e.offset + 1) + ")";
    return std::nullopt;
}

std::optional<std::string> option_error(std::string_view option) {
    auto eq = option.find('=');
    if (option.empty()) return "empty notify option";
    if (eq == std::string_view::npos)
        return "notify option '" + std::string(option) + "' has no '=' (name=value)";
    auto name = option.substr(0, eq);
    bool ok = !name.empty() && std::isalnum(static_cast<unsigned char>(name[0])) &&
              std::all_of(name.begin(), name.end(), [](char ch) {
                  auto c = static_cast<unsigned char>(ch);
                  return std::isalnum(c) || c == '-' || c == '_' || c == '.';
              });
    if (!ok) return "invalid notify option name '" + std::string(name) + "'";
    if (option.find_first_of("\r\n", eq) != std::string_view::npos)
        return "notify option '" + std::string(name) + "' has a line break in its value";
    return std::nullopt;
}

const parse::ast::string_lit* constant_tag(checker& c, const binding& b, std::string_view tag) {
    const auto* arg = b.tag_value(tag);
    const auto* list = arg ? std::get_if<parse::ast::string_list>(arg) : nullptr;
    if (!list || list->items.size() != 1 || c.is_template(list->items.front().value)) return nullptr;
    return &list->items.front();
}

void check_notify(checker& c, const binding& b) {
    if (c.run_limits().max_notifications == 0) {
        c.error(b.pos, "local policy prohibits the use of a notify action");
        return;
    }
    const auto& method = b.list_arg(0).items.front();
    if (!c.is_template(method.value))
        if (auto e = method_error(method.value)) c.error(method.pos, *e);
    if (const auto* from = constant_tag(c, b, "from"); from && !mail::single_mailbox(from->value))
        c.error(from->pos, "invalid :from address '" + std::string(from->value) + "' for the mailto method");
    if (const auto* imp = constant_tag(c, b, "importance");
        imp && imp->value != "1" && imp->value != "2" && imp->value != "3")
        c.error(imp->pos,
                "invalid :importance '" + std::string(imp->value) + "' (expected \"1\", \"2\" or \"3\")");
    if (const auto* arg = b.tag_value("options"))
        if (const auto* list = std::get_if<parse::ast::string_list>(arg))
            for (const auto& o : list->items)
                if (!c.is_template(o.value))
                    if (auto e = option_error(o.value)) c.error(o.pos, *e);
}

void check_uris(checker& c, const parse::ast::string_list& uris) {
    (void)c;
    (void)uris;  // valid_notify_method exists to test URIs: invalid ones are its false, not an error
}

void emit_notify(compile::emitter& e, const binding& b) {
    auto text_tag = [&](std::string_view tag) -> std::string {
        const auto* arg = b.tag_value(tag);
        return arg ? std::string(std::get<parse::ast::string_list>(*arg).items.at(0).value) : std::string();
    };
    std::uint64_t flags = 2;  // RFC 5435 §3.5: normal importance
    if (auto imp = text_tag("importance"); imp.size() == 1 && imp[0] >= '1' && imp[0] <= '3')
        flags = imp[0] - '0';
    if (b.has_tag("from")) flags |= has_from;
    if (b.has_tag("message")) flags |= has_message;
    parse::ast::string_list options;
    if (const auto* arg = b.tag_value("options")) options = std::get<parse::ast::string_list>(*arg);
    e.emit(vm::opcode::act_notify, {e.string(b.string_arg(0)), e.string(text_tag("from")),
                                    e.string(text_tag("message")), e.list(options), flags});
}

}  // namespace

void register_enotify(registry& r) {
    r.add(capability_def{"enotify"});
    r.add(tag_def{.name = "from", .parameter = arg_kind::string, .capability = "enotify"});
    r.add(tag_def{.name = "importance", .parameter = arg_kind::string, .capability = "enotify"});
    r.add(tag_def{.name = "options", .parameter = arg_kind::string_list, .capability = "enotify"});
    r.add(tag_def{.name = "message", .parameter = arg_kind::string, .capability = "enotify"});
    r.add(command_def{.name = "notify",
                      .capability = "enotify",
                      .positional = {arg_kind::string},
                      .tags = {"from", "importance", "options", "message"},
                      .check = check_notify,
                      .emit = emit_notify});
    r.add(command_def{.name = "valid_notify_method",
                      .is_test = true,
                      .capability = "enotify",
                      .positional = {arg_kind::string_list},
                      .check = [](checker& c, const binding& b) { check_uris(c, b.list_arg(0)); },
                      .emit =
                          [](compile::emitter& e, const binding& b) {
                              e.emit(vm::opcode::test_valid_notify_method, {e.list(b.list_arg(0))});
                          }});
    r.add(command_def{.name = "notify_method_capability",
                      .is_test = true,
                      .capability = "enotify",
                      .positional = {arg_kind::string, arg_kind::string, arg_kind::string_list},
                      .tags = {"comparator", "match-type"},
                      .emit = [](compile::emitter& e, const binding& b) {
                          e.emit(vm::opcode::test_notify_method_capability,
                                 {std::uint64_t(b.match.cmp), vm::pack(b.match), e.string(b.string_arg(0)),
                                  e.string(b.string_arg(1)), e.list(b.list_arg(2))});
                      }});
}

}  // namespace sift::ext

namespace sift::vm {
namespace {

bool same_address(std::string_view a, std::string_view b) {
    return equal(a, b, comparator::ascii_casemap);
}

// RFC 3834 §5: a message with Auto-Submitted other than "no".
bool auto_submitted(const mail::message& msg) {
    const auto* f = msg.first("Auto-Submitted");
    if (!f) return false;
    auto value = mail::message::unfold(f->value);
    auto end = std::min(value.find(';'), value.size());
    while (end > 0 && (value[end - 1] == ' ' || value[end - 1] == '\t')) --end;
    return !equal(std::string_view(value).substr(0, end), "no", comparator::ascii_casemap);
}

std::string join(const std::vector<ext::mailto_recipient>& v) {
    std::string out;
    for (const auto& a : v) out += (out.empty() ? "" : ", ") + mail::one_line(a.header);
    return out;
}

std::string header_text(const mail::message& msg, std::string_view name) {
    const auto* f = msg.first(name);
    return f ? mail::message::decode(f->value) : std::string();
}

const char* const priority[] = {"", "1 (Highest)", "3 (Normal)", "5 (Lowest)"};
const char* const importance[] = {"", "high", "normal", "low"};

}  // namespace

void exec_act_notify(run_state& s, const instruction& ins) {
    // RFC 8580 :fcc (a prefix), taken before anything can throw.
    auto fcc = ext::pending_fcc(s);
    s.take_prefixes();
    std::string b0, b1, b2;
    auto method = std::string(s.text(ins.arg[0], b0));
    auto flags = ins.arg[4];
    auto from = flags & ext::has_from ? std::string(s.text(ins.arg[1], b1)) : std::string();
    auto message =
        flags & ext::has_message ? std::optional<std::string>(s.text(ins.arg[2], b2)) : std::nullopt;
    unsigned level = unsigned(flags & ext::importance_mask);
    if (level < 1 || level > 3) level = 2;

    if (s.limits.max_notifications == 0)
        throw runtime_error{"notify: local policy prohibits the use of a notify action"};
    if (auto e = ext::method_error(method)) throw runtime_error{"notify: " + *e};
    // RFC 5436 §2.3: :from is the notification's From field, a mailbox
    // ("Nico <nico@frop.example.org>" as well as a bare address).
    auto const from_mailbox = flags & ext::has_from ? mail::single_mailbox(from) : std::nullopt;
    if ((flags & ext::has_from) && !from_mailbox)
        throw runtime_error{"notify: invalid :from address '" + from + "'"};
    std::string buffer;
    for (auto o : s.list(ins.arg[3]))
        if (auto e = ext::option_error(s.text(o, buffer))) throw runtime_error{"notify: " + *e};
    ext::uri_error ignored;
    auto uri = *ext::parse_mailto(method, ignored);

    // RFC 5435 §3.9: the same notification twice is sent once.
    std::vector<std::string> notified;
    unsigned count = 0;
    for (const auto& any : s.actions()) {
        const auto* a = std::get_if<notify_action>(&any);
        if (!a) continue;
        if (a->method == method) return;
        ++count;
        if (a->outgoing)
            notified.insert(notified.end(), a->outgoing->recipients.begin(), a->outgoing->recipients.end());
    }
    if (count >= s.limits.max_notifications)
        throw runtime_error{"notify: the number of notify actions exceeds policy limit (" +
                            std::to_string(s.limits.max_notifications) + ")"};
    auto fresh = [&](std::vector<ext::mailto_recipient>& list) {
        std::vector<ext::mailto_recipient> kept;
        for (auto& r : list) {
            auto seen = [&](const std::string& x) { return same_address(x, r.address); };
            if (std::none_of(notified.begin(), notified.end(), seen)) {
                kept.push_back(r);
                notified.push_back(r.address);
            }
        }
        list = std::move(kept);
    };
    fresh(uri.to);
    fresh(uri.cc);

    const auto& msg = s.current();
    auto summary = "New mail from " + header_text(msg, "From") + ": " + header_text(msg, "Subject");
    notify_action a{.method = std::string(method),
                    .from = from,
                    .subject = uri.subject.value_or(message.value_or(summary)),
                    .body = uri.body.value_or(message.value_or(summary)),
                    .fcc = std::move(fcc),
                    .line = s.line()};
    if (auto_submitted(msg)) {
        a.not_sent = "not sent: the message is auto-submitted (RFC 5436 §2.7)";
    } else if (!uri.to.empty() || !uri.cc.empty()) {
        outgoing_message out;  // null reverse-path: nothing bounces back to a notification
        for (const auto* list : {&uri.to, &uri.cc})
            for (const auto& r : *list) out.recipients.push_back(r.address);
        std::string owner = from_mailbox ? from_mailbox->all() : !s.env.to.empty() ? s.env.to : "postmaster";
        auto at = owner.rfind('@');
        std::string& d = out.data;
        bool const named = from_mailbox && !from_mailbox->display_name.empty();
        d += "From: " + (named ? mail::mailbox_field(from_mailbox->display_name, owner, 6) : owner) + "\r\n";
        if (!uri.to.empty()) d += "To: " + join(uri.to) + "\r\n";
        if (!uri.cc.empty()) d += "Cc: " + join(uri.cc) + "\r\n";
        // A subject longer than 256 characters is cut, as Pigeonhole does:
        // a notification's subject is a summary.
        d +=
            "Subject: " + mail::header_text(mail::one_line(mail::cut_characters(a.subject, 256)), 9) + "\r\n";
        auto const now = s.now();
        d += "Date: " + mail::rfc5322_date(now) + "\r\n";
        d += "Message-ID: " +
             mail::message_id("notify", at == std::string::npos ? "" : std::string_view(owner).substr(at + 1),
                              now) +
             "\r\n";
        d += "Auto-Submitted: auto-notified\r\n";
        d += std::string("X-Priority: ") + priority[level] + "\r\n";
        d += std::string("Importance: ") + importance[level] + "\r\n";
        d += "X-Sieve: Sift\r\n";
        for (const auto& [name, value] : uri.headers)
            d += name + ": " + mail::header_text(mail::one_line(value), name.size() + 2) + "\r\n";
        d += "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: "
             "8bit\r\n\r\n";
        for (char c : a.body) {
            if (c == '\n' && (d.empty() || d.back() != '\r')) d += '\r';
            d += c;
        }
        if (d.size() < 2 || d.substr(d.size() - 2) != "\r\n") d += "\r\n";
        a.outgoing = std::move(out);
    }
    s.add_action(std::move(a), false);  // RFC 5435: notify leaves the implicit keep
}

void exec_test_valid_notify_method(run_state& s, const instruction& ins) {
    std::string buffer;
    s.flag = true;
    for (auto u : s.list(ins.arg[0]))
        if (ext::method_error(s.text(u, buffer))) s.flag = false;
}

// RFC 5435 §5 / RFC 5436 §2.2: "online" is "maybe" for mailto (a
// notification is read whenever its recipient reads mail); any other
// capability, or an invalid URI, has no value and the test is false.
void exec_test_notify_method_capability(run_state& s, const instruction& ins) {
    std::string b0, b1;
    auto uri = s.text(ins.arg[2], b0);
    auto capability = s.text(ins.arg[3], b1);
    s.flag = false;
    if (ext::method_error(uri) || !equal(capability, "online", comparator::ascii_casemap)) return;
    auto spec = s.match_spec_of(ins.arg[1], ins.arg[0]);
    s.flag = s.any_key("maybe", ins.arg[4], spec);
    if (spec.type == ext::match_count) s.flag = ext::count_matches(s, ins.arg[4], spec);
}

}  // namespace sift::vm

namespace sift::ext {
extern const descriptor enotify_extension{
    .name = "enotify", .add = register_enotify, .services = needs(service::clock)};

}  // namespace sift::ext
