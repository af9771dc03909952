#include "conversation.hpp"

#include <sift/json.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace sift::milter {

namespace cmd = proto::cmd;
namespace action = proto::action;
namespace step = proto::step;

namespace {

// The slot of each step's macros in conversation::macros_, in the order
// they are looked at (the latest step first, as libmilter's smfi_getsymval).
// Postfix sends a (mostly empty) macro packet before every command, the
// header's ('L') included.
constexpr std::string_view macro_steps = "EBNLTRMUHC";
constexpr std::string_view message_steps = "EBNLTRM";  // forgotten at the message's end

std::size_t macro_slot(char command) {
    auto at = macro_steps.find(command);
    if (at == std::string_view::npos)
        throw proto::protocol_error(std::string("SMFIC_MACRO for an unknown command '") + command + "'");
    return at;
}

std::string_view without_braces(std::string_view n) {
    if (n.size() > 2 && n.front() == '{' && n.back() == '}') return n.substr(1, n.size() - 2);
    return n;
}

// The client's address as text, as libmilter's sockaddr would print:
// an IPv4 or IPv6 address, or "" (a unix socket, unknown, not an address).
std::string client_address(const proto::connect_info& c) {
    std::string a(c.address);
    if (c.family == '6' && a.size() > 5 && (a.starts_with("IPv6:") || a.starts_with("ipv6:"))) a.erase(0, 5);
    char buf[INET6_ADDRSTRLEN] = "";
    if (c.family == '4') {
        in_addr v4{};
        if (inet_pton(AF_INET, a.c_str(), &v4) == 1) inet_ntop(AF_INET, &v4, buf, sizeof buf);
    } else if (c.family == '6') {
        in6_addr v6{};
        if (inet_pton(AF_INET6, a.c_str(), &v6) == 1) inet_ntop(AF_INET6, &v6, buf, sizeof buf);
    }
    return buf;
}

std::vector<std::string> strings(std::string_view data, std::size_t min, std::size_t max) {
    auto views = proto::parse_strings(data, min, max);
    return {views.begin(), views.end()};
}

// ESMTP parameters per MAIL or RCPT: more than any MTA sends.
constexpr std::size_t max_arguments = 1024;

}  // namespace

conversation::conversation(const engine& e, bool tcp) : session_(e, tcp) {}

bool conversation::handle(const proto::packet& p, std::string& out) {
    try {
        return dispatch(p, out);
    } catch (const std::exception& e) {
        // A broken packet (proto::protocol_error), or one that cannot be
        // handled at all: the connection is closed; a message under way
        // is not accepted (the tempfail answers the step the MTA waits on).
        bool during = transaction_;
        log_line("{\"milter\":\"protocol_error\",\"command\":" + json::quote(std::string(1, p.command)) +
                 ",\"error\":" + json::quote(e.what()) + ",\"in_message\":" + (during ? "true" : "false") +
                 "}");
        if (during) {
            transaction_ = false;
            session_.abort();
            proto::put_packet(out, proto::reply::tempfail);
        }
        return false;
    }
}

bool conversation::dispatch(const proto::packet& p, std::string& out) {
    if (!negotiated_ && p.command != cmd::optneg && p.command != cmd::quit)
        throw proto::protocol_error(std::string("command '") + p.command + "' before the option negotiation");
    switch (p.command) {
        case cmd::optneg: {
            if (negotiated_) throw proto::protocol_error("a second SMFIC_OPTNEG");
            auto o = proto::parse_options(p.data);
            if (o.version < 2)
                throw proto::protocol_error("the MTA speaks milter protocol version " +
                                            std::to_string(o.version));
            std::uint32_t want_actions = 0, want_steps = 0;
            auto s = session_.negotiate(*this, o.actions, o.steps, want_actions, want_steps);
            if (s != status::proceed) return false;  // logged by the session: the MTA lacks an action
            negotiated_ = true;
            version_ = std::min(o.version, proto::version);
            // Never more than offered (the session asks for no more).
            actions_ = want_actions & o.actions;
            steps_ = want_steps & o.steps;
            proto::put_options(out, {version_, actions_, steps_});
            return true;
        }
        case cmd::macro: {
            auto m = proto::parse_macros(p.data);
            auto& slot = macros_[macro_slot(m.command)];
            slot.clear();
            for (const auto& [name, value] : m.values) slot.emplace_back(name, value);
            return true;
        }
        case cmd::connect: {
            auto c = proto::parse_connect(p.data);
            answer(session_.connect(*this, c.host, client_address(c)), step::nr_connect, out);
            return true;
        }
        case cmd::helo: {
            auto s = proto::parse_strings(p.data, 1, 1);
            answer(session_.helo(*this, s[0]), step::nr_helo, out);
            return true;
        }
        case cmd::mail:
            // A new transaction: the last one's macros are not this one's.
            for (char c : std::string_view("EBNLTR")) macros_[macro_slot(c)].clear();
            {
                auto s = session_.mail(*this, strings(p.data, 1, max_arguments));
                transaction_ = s == status::proceed || s == status::noreply;
                answer(s, step::nr_mail, out);
            }
            return true;
        case cmd::rcpt:
            answer(session_.rcpt(*this, strings(p.data, 1, max_arguments)), step::nr_rcpt, out);
            return true;
        case cmd::data:
            if (!p.data.empty()) throw proto::protocol_error("SMFIC_DATA with data");
            answer(status::proceed, step::nr_data, out);  // no step of the session
            return true;
        case cmd::header: {
            auto s = proto::parse_strings(p.data, 2, 2);
            answer(ends_message(session_.header(*this, s[0], s[1])), step::nr_header, out);
            return true;
        }
        case cmd::eoh:
            if (!p.data.empty()) throw proto::protocol_error("SMFIC_EOH with data");
            answer(ends_message(session_.end_of_headers(*this)), step::nr_eoh, out);
            return true;
        case cmd::body:
            answer(ends_message(session_.body(*this, p.data)), step::nr_body, out);
            return true;
        case cmd::body_end: {
            // The last chunk may come with the end (libmilter's st_bodyend).
            status s = p.data.empty() ? status::proceed : session_.body(*this, p.data);
            if (s == status::noreply) s = status::proceed;  // an unanswered body chunk (step::nr_body)
            if (s == status::proceed) {
                at_eom_ = true;
                edits_.clear();
                try {
                    s = session_.end_of_message(*this);
                } catch (...) {
                    at_eom_ = false;
                    throw;
                }
                at_eom_ = false;
                // The changes only go with an answer that keeps the message.
                if (s == status::proceed || s == status::accept) out += edits_;
                edits_.clear();
            }
            answer(s == status::skip ? status::proceed : s, 0, out);
            forget_message_macros();
            transaction_ = false;
            return true;
        }
        case cmd::abort:
            transaction_ = false;
            session_.abort();
            forget_message_macros();
            reply_.reset();
            return true;
        case cmd::unknown:
            proto::parse_strings(p.data, 1, 1);
            answer(status::proceed, step::nr_unknown, out);  // no step of the session
            return true;
        case cmd::quit:
            return false;
        case cmd::quit_nc:
            // Another SMTP connection follows, without a new negotiation.
            session_.reset_connection();
            transaction_ = false;
            for (auto& slot : macros_) slot.clear();
            reply_.reset();
            return true;
        default:
            throw proto::protocol_error("unknown command 0x" + [&] {
                char b[8];
                std::snprintf(b, sizeof b, "%02x", unsigned(static_cast<unsigned char>(p.command)));
                return std::string(b);
            }());
    }
}

void conversation::answer(status s, std::uint32_t unanswered_step, std::string& out) {
    auto reply = std::exchange(reply_, std::nullopt);
    // A step negotiated as unanswered gets nothing, whatever it returned;
    // an unanswered status for one that is not is a continue (libmilter's
    // rule for an MTA without that step).
    if (unanswered_step && (steps_ & unanswered_step)) return;
    using namespace proto::reply;
    switch (s) {
        case status::proceed:
        case status::noreply:
            return proto::put_packet(out, cont);
        case status::skip:
            return proto::put_packet(out, (steps_ & step::skip) ? skip : cont);
        case status::accept:
            return proto::put_packet(out, accept);
        case status::discard:
            return proto::put_packet(out, discard);
        case status::reject:
            if (reply && reply->starts_with('5')) return proto::put_reply_code(out, *reply);
            return proto::put_packet(out, proto::reply::reject);
        case status::tempfail:
            if (reply && reply->starts_with('4')) return proto::put_reply_code(out, *reply);
            return proto::put_packet(out, tempfail);
    }
}

status conversation::ends_message(status s) {
    // A verdict on the whole message before its end: the MTA ends it.
    if (s != status::proceed && s != status::noreply && s != status::skip) transaction_ = false;
    return s;
}

void conversation::forget_message_macros() {
    for (char c : message_steps) macros_[macro_slot(c)].clear();
}

std::optional<std::string> conversation::macro(std::string_view name) {
    auto want = without_braces(name);
    for (const auto& slot : macros_)
        for (const auto& [n, v] : slot)
            if (without_braces(n) == want) return v;
    return std::nullopt;
}

void conversation::set_reply(std::string_view code, std::string_view enhanced,
                             const std::vector<std::string>& lines) {
    // libmilter's smfi_setreply and smfi_setmlreply checks.
    if (code.size() != 3 || (code[0] != '4' && code[0] != '5') ||
        !std::isdigit(static_cast<unsigned char>(code[1])) ||
        !std::isdigit(static_cast<unsigned char>(code[2])))
        throw std::invalid_argument("reply code " + std::string(code) + " is not 4xx or 5xx");
    if (lines.empty() || lines.size() > 32)
        throw std::invalid_argument("a reply of " + std::to_string(lines.size()) + " lines (1 to 32)");
    if (enhanced.find_first_of(std::string_view("\r\n\0 ", 4)) != std::string_view::npos)
        throw std::invalid_argument("enhanced code with a space, CR, LF or NUL");
    std::string r;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const auto& line = lines[i];
        if (line.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos)
            throw std::invalid_argument("a reply line with CR, LF or NUL");
        if (line.size() > 980) throw std::invalid_argument("a reply line of more than 980 bytes");
        r.append(code);
        r += i + 1 < lines.size() ? '-' : ' ';
        if (!enhanced.empty()) {
            r.append(enhanced);
            r += ' ';
        }
        r += line;
        if (i + 1 < lines.size()) r += "\r\n";
    }
    reply_ = std::move(r);
}

void conversation::need(std::uint32_t a, const char* what) const {
    if (!at_eom_) throw std::logic_error(std::string(what) + " outside end-of-message");
    if (!(actions_ & a)) throw std::runtime_error(std::string(what) + ": not negotiated with the MTA");
}

void conversation::add_header(std::string_view name, std::string_view value) {
    need(action::add_headers, "add header");
    proto::put_add_header(edits_, name, value);
}

void conversation::insert_header(unsigned index, std::string_view name, std::string_view value) {
    need(action::add_headers, "insert header");
    proto::put_insert_header(edits_, index, name, value);
}

void conversation::delete_header(std::string_view name, unsigned index) {
    need(action::change_headers, "delete header");
    proto::put_change_header(edits_, index, name, "");
}

void conversation::add_rcpt(std::string_view rcpt, std::string_view params) {
    if (params.empty()) {
        need(action::add_rcpt, "add recipient");
        return proto::put_add_rcpt(edits_, rcpt);
    }
    need(action::add_rcpt_par, "add recipient with parameters");
    proto::put_add_rcpt_par(edits_, rcpt, params);
}

void conversation::delete_rcpt(std::string_view rcpt) {
    need(action::delete_rcpt, "delete recipient");
    proto::put_delete_rcpt(edits_, rcpt);
}

void conversation::change_from(std::string_view from) {
    need(action::change_from, "change sender");
    proto::put_change_from(edits_, from, "");
}

void conversation::replace_body(std::string_view body) {
    need(action::change_body, "replace body");
    proto::put_replace_body(edits_, body);
}

void conversation::quarantine(std::string_view reason) {
    need(action::quarantine, "quarantine");
    proto::put_quarantine(edits_, reason);
}

}  // namespace sift::milter
