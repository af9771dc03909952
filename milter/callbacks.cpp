#include "callbacks.hpp"

#include "ascii.hpp"
#include "checks.hpp"
#include "plan.hpp"

#include "protocol.hpp"

#include <sift/json.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <utility>

namespace sift::milter {

namespace {

namespace action = proto::action;
namespace step = proto::step;

// The one engine of the process, set by the first filter_session and
// read-only after; whether the MTA connects over TCP (protocol_steps).
const engine* the_engine = nullptr;
bool over_tcp = false;

// What one message collects between MAIL FROM and end-of-message.
struct message_state {
    // The policy, configuration and users' scripts this message is decided
    // with, from MAIL FROM to its end, whatever reloads in between.
    std::shared_ptr<const snapshot> snap = the_engine->current();
    std::string from;
    bool smtputf8 = false;       // MAIL FROM ... SMTPUTF8 (RFC 6531)
    std::uint64_t received = 0;  // header and body bytes so far (size limit)
    std::vector<recipient> rcpts;
    std::vector<std::shared_ptr<const user_script>> own;  // per recipient, may be null
    // Per recipient: the result when its runs read nothing the MTA had not
    // sent yet (decided at RCPT or at end-of-headers), and where it was.
    std::vector<std::optional<sift::result>> early;
    std::vector<const char*> stage;
    bool decided = false;          // every result known at end-of-headers: the body is not needed
    std::string first_key;         // engine::header_settings_key of the first recipient, once a second came
    std::string eight_bit_header;  // --8bit-headers score: the first field with a raw 8-bit byte
    // The connection's session with this message's own items (the 8-bit
    // field's name) for the runs at end-of-headers and end-of-message.
    std::optional<sift::session> session;
    // A bounce's SRS addresses, verified at RCPT: they come in a
    // transaction of their own (rcpts is then empty) and run no script.
    std::vector<reversed_recipient> reversed;
    sift::message msg;
    std::vector<std::string> header_names;
    // An unanswered header's refusal (step::nr_header): the reply and the log's
    // detail, given at end-of-headers (or at end-of-message when that is
    // unanswered too, step::nr_eoh). From then on no body is kept.
    std::optional<std::pair<smtp_reply, std::string>> header_refusal;
    // An unanswered body chunk's (step::nr_body): the size passed the
    // limit; given at end-of-message, and the rest of the body not kept.
    std::optional<smtp_reply> body_refusal;
    std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
    // A submission or inbound (checks.hpp); a bogus HELO not held against
    // a submission.
    mail_path path = mail_path::inbound;
    bool helo_skipped = false;
};

struct connection {
    sift::session session;
    std::optional<message_state> message;
    std::string queue_id;                    // the MTA's `i` macro, once it gave one
    bool addrcpt_par = true;                 // the MTA takes ESMTP parameters with an added recipient
    std::optional<smtp_reply> helo_refused;  // a bogus HELO: every MAIL FROM is refused too
    // The SMFIP_NR_* steps negotiated: their callbacks answer status::noreply
    // and can refuse nothing (on_negotiate asks for them only then); what
    // fails in one is kept here and tempfails at the next step that replies.
    std::uint32_t noreply = 0;
    std::optional<std::string> deferred_error;
    bool skip = false;  // step::skip negotiated: the body callback may answer status::skip
    // The snapshot current when the steps were negotiated, and whether
    // they left the body out (step::no_body): see keep_body_promise.
    std::shared_ptr<const snapshot> negotiated;
    bool no_body = false;
};

// What end-of-message may do; without these the milter does not run
// (the MTA then applies its milter_default_action).
constexpr std::uint32_t required_actions = action::add_headers | action::change_headers | action::add_rcpt |
                                           action::delete_rcpt | action::change_body | action::change_from;

// One callback's view: what it can ask of the MTA, and the connection.
struct call {
    mta& to;
    connection& conn;
};

connection& state(call& ctx) {
    return ctx.conn;
}

message_state& current_message(call& ctx) {
    auto& c = state(ctx);
    if (!c.message) throw std::logic_error("no message under way (callback before MAIL FROM)");
    return *c.message;
}

std::string macro(call& ctx, const char* name) {
    return ctx.to.macro(name).value_or("");
}

// Postfix knows the queue ID from the first accepted RCPT on
// (MILTER-NOTES.md), so it is taken at each stage that may have it.
std::string queue_id(call& ctx) {
    auto& c = ctx.conn;
    auto id = macro(ctx, "i");
    if (!id.empty()) c.queue_id = id;
    if (id.empty()) id = c.queue_id;
    return id.empty() ? "NOQUEUE" : id;
}

std::string unbracket(std::string_view a) {
    if (a.size() >= 2 && a.front() == '<' && a.back() == '>') a = a.substr(1, a.size() - 2);
    return std::string(a);
}

// The reply, on one line when it fits in 512 bytes, else on several
// (reply_lines: split between words, the same code on every line).
status reply(call& ctx, int code, const std::string& enhanced, const std::string& text, status answer) {
    ctx.to.set_reply(std::to_string(code), enhanced, reply_lines(text, enhanced));
    return answer;
}

// The exception firewall every callback goes through: whatever fails
// (an exception, a request to the MTA that failed) is a temporary failure,
// logged with the queue ID, never an accept.
template <auto F, class... A>
status guarded(call& ctx, const A&... args) noexcept {
    try {
        return F(ctx, args...);
    } catch (const std::exception& e) {
        try {
            log_line("{\"queue_id\":" + json::quote(queue_id(ctx)) +
                     ",\"milter\":\"tempfail\",\"error\":" + json::quote(e.what()) + "}");
            the_engine->stats().tempfail("internal_error");
            reply(ctx, 451, "4.3.0", "Temporary failure in message filtering, try again later",
                  status::tempfail);
        } catch (...) {
        }
        return status::tempfail;
    } catch (...) {
        return status::tempfail;
    }
}

// A callback whose step may have been negotiated as no-reply (`step`, an
// step::nr_* bit): then it answers status::noreply whatever happens, and a
// failure is kept for the next step that replies (raise_deferred), which
// tempfails; otherwise it is guarded<> as any other.
template <auto F, std::uint32_t step, class... A>
status guarded_noreply(call& ctx, const A&... args) noexcept {
    auto& c = ctx.conn;
    if (!(c.noreply & step)) return guarded<F>(ctx, args...);
    try {
        F(ctx, args...);
    } catch (const std::exception& e) {
        c.deferred_error = e.what();
    } catch (...) {
        c.deferred_error = "unknown exception";
    }
    return status::noreply;
}

// A failure in a no-reply step is the failure of the next step that replies.
void raise_deferred(connection& c) {
    if (!c.deferred_error) return;
    auto what = std::move(*c.deferred_error);
    c.deferred_error.reset();
    throw std::runtime_error(what);
}
}  // namespace

std::uint32_t protocol_steps(const engine& e, std::uint32_t offered, bool tcp) {
    const auto& limits = e.config().limits;
    // Steps with no callback here: not sent at all. But DATA is over TCP:
    // Postfix sends a left-out step's macros all the same (milter_data_macros,
    // `i`), and unanswered, they stall the next write as an unanswered step
    // does (below).
    std::uint32_t steps = (tcp ? step::no_unknown : step::no_data | step::no_unknown) & offered;
    // No script of any message reads the body (the policy's needs, and the
    // users' scripts': unknown at connect time, so only with
    // --user-scripts-need or without --scripts).
    if (!e.body_needed()) steps |= step::no_body & offered;
    // Callbacks that can refuse nothing need not be answered: connect
    // always; HELO unless its check refuses at HELO, which it does only
    // with --authenticated inbound (with submission, the default, a bogus
    // HELO is refused at MAIL FROM, where a login shows: on_helo). Nor the headers: what refuses
    // one (its 8-bit bytes, the size) is answered at end-of-headers, and the
    // client hears either at the end of DATA all the same (the MTA answers
    // the content once); one round trip per header field saved.
    std::uint32_t noreply = step::nr_connect | step::nr_header;
    bool helo_check = limits.refuse_bogus_helo || !limits.banned_helo.empty();
    if (!helo_check || e.config().authenticated_submission) noreply |= step::nr_helo;
    // When the policy itself reads the body, no message is decided before
    // its end (a verdict at end-of-headers needs every recipient's runs to
    // read no more than the header, and each reads the policy): then
    // end-of-headers refuses nothing once its checks (an 8-bit header, the
    // size) answer at end-of-message, and the body chunks neither (the
    // size there too), nor are they ever skipped (SMFIR_SKIP follows a
    // verdict at end-of-headers) but for an SRS bounce's: with SRS on the
    // body stays answered, so that a bounce's is skipped. Two round trips
    // a message saved (more for a body of several 64 KB chunks). A reload
    // to a policy that does not read the body does not make an unanswered
    // end-of-headers decide (on_eoh).
    if (e.current()->policy_needs == sift::needs::body) {
        noreply |= step::nr_eoh;
        if (!e.config().srs) noreply |= step::nr_body;
    }
    // Not over TCP: Postfix writes each step as it comes, without
    // TCP_NODELAY, so its write after an unanswered one waits (Nagle) for
    // the ACK, which the milter's kernel delays by about 40 ms. Measured
    // through Postfix (scripts/bench-milter): DATA's unanswered macros added
    // 45 ms to every message over TCP; an unanswered step is the same
    // pattern. A unix socket has no such wait.
    if (!tcp) steps |= noreply & offered;
    // The rest of the body may be skipped once the verdict is known.
    steps |= step::skip & offered;
    return steps;
}

std::uint32_t protocol_steps(const engine& e, std::uint32_t offered) {
    return protocol_steps(e, offered, over_tcp);
}

namespace {

// Protocol 6 negotiation: the actions end-of-message needs (and
// action::add_rcpt_par where the MTA has it, else a fileinto's added
// recipient goes without ORCPT), and no more protocol steps than the
// scripts and checks need (protocol_steps).
status on_negotiate(call& ctx, std::uint32_t actions, std::uint32_t offered, std::uint32_t* want_actions,
                    std::uint32_t* want_steps) {
    auto& c = state(ctx);
    // A quarantine folder needs the MTA's hold queue.
    std::uint32_t required = required_actions;
    if (!the_engine->config().quarantine_folder.empty()) required |= action::quarantine;
    if ((actions & required) != required) {
        char b[32];
        std::snprintf(b, sizeof b, "%x", unsigned(actions));
        log_line("sift-milter: the MTA does not offer the actions the milter needs (offered 0x" +
                 std::string(b) + "): connection refused");
        return status::reject;
    }
    c.addrcpt_par = (actions & action::add_rcpt_par) != 0;
    *want_actions = required | (actions & action::add_rcpt_par);
    c.negotiated = the_engine->current();
    *want_steps = protocol_steps(*the_engine, offered);
    c.noreply =
        *want_steps & (step::nr_connect | step::nr_helo | step::nr_header | step::nr_eoh | step::nr_body);
    c.no_body = (*want_steps & step::no_body) != 0;
    c.skip = (*want_steps & step::skip) != 0;
    return status::proceed;
}

status on_connect(call& ctx, std::string_view hostname, std::string_view address) {
    auto* c = &state(ctx);
    c->session.remote_host = std::string(hostname);
    c->session.remote_ip = std::string(address);
    c->session.local_host = macro(ctx, "j");
    for (const char* m : {"j", "{daemon_name}", "{daemon_addr}", "v"})
        if (auto v = macro(ctx, m); !v.empty()) c->session.macros.emplace_back(m, v);
    return status::proceed;
}

// A refusal before the content: logged (one JSON line), answered.
status refuse_early(call& ctx, const char* stage, const smtp_reply& r, std::string_view detail,
                    status answer) {
    log_line("{\"queue_id\":" + json::quote(queue_id(ctx)) + ",\"stage\":" + json::quote(stage) +
             ",\"milter\":" + json::quote(answer == status::tempfail ? "tempfail" : "refuse") +
             ",\"reply\":" + json::quote(std::to_string(r.code) + " " + r.enhanced + " " + r.text) +
             ",\"detail\":" + json::quote(detail) + "}");
    the_engine->stats().early(stage, answer == status::tempfail);
    return reply(ctx, r.code, r.enhanced, r.text, answer);
}

// "HELO NAME: why it is bogus", for the log.
std::string helo_detail(const connection& c) {
    return "HELO " + c.session.helo + ": " +
           bogus_helo(c.session.helo, the_engine->config().limits).value_or("banned");
}

status on_helo(call& ctx, std::string_view helo) {
    auto& c = state(ctx);
    c.session.helo = std::string(helo);
    c.helo_refused = check_helo(c.session.helo, the_engine->config().limits);
    // With --authenticated submission the refusal waits for MAIL FROM,
    // where a login shows: Postfix, told of a refused EHLO, answers it 250
    // with no extension at all, AUTH included, so a user's mail client
    // saying EHLO [192.168.1.20] could never log in (docs/MILTER.md,
    // "Authenticated submissions").
    if (c.helo_refused && !the_engine->config().authenticated_submission)
        return refuse_early(ctx, "helo", *c.helo_refused, helo_detail(c), status::reject);
    return status::proceed;
}

// A connection negotiated without the body (step::no_body) cannot be
// decided by a snapshot that reads it (a reload since): its messages are
// decided by the snapshot of the negotiation instead; only when that one
// reads the body too (a reload between the two looks) is it a failure.
void keep_body_promise(connection& c) {
    if (!c.no_body || !the_engine->body_needed(*c.message->snap)) return;
    if (!c.negotiated || the_engine->body_needed(*c.negotiated))
        throw std::runtime_error("the policy reads the body, which this connection was negotiated without");
    c.message->snap = c.negotiated;
}

status on_envfrom(call& ctx, const std::vector<std::string>& argv) {
    auto& c = state(ctx);
    c.message.emplace();
    // A new transaction: the last message's queue ID is not this one's
    // (Postfix gives `i` only from the first accepted RCPT on, so a refusal
    // at MAIL or at that RCPT is logged as NOQUEUE, not as the last ID).
    c.queue_id.clear();
    raise_deferred(c);  // a failure at connect or HELO (no-reply steps)
    keep_body_promise(c);
    c.message->from = argv.empty() ? "" : unbracket(argv[0]);
    // Known from MAIL FROM on: the SASL login and TLS (Postfix's
    // milter_mail_macros and milter_helo_macros).
    c.session.authenticated_user = macro(ctx, "{auth_authen}");
    c.session.tls_version = macro(ctx, "{tls_version}");
    c.session.tls_cipher = macro(ctx, "{cipher}");
    // A sender who logged in: a submission (--authenticated), told to the
    // policy (docs/MILTER.md, "Authenticated submissions").
    c.message->path = path_for(c.session.authenticated_user, the_engine->config().authenticated_submission);
    mark_path(c.session.items, c.message->path);
    // A client that goes on after its HELO was refused is refused here,
    // unless it logged in: mail clients name themselves as they please.
    if (c.helo_refused && c.message->path != mail_path::submission)
        return refuse_early(ctx, "mail", *c.helo_refused,
                            the_engine->config().authenticated_submission ? helo_detail(c) + " (no login)"
                                                                          : "after a bogus HELO",
                            status::reject);
    c.message->helo_skipped = c.helo_refused.has_value();
    std::vector<std::string> params(argv.empty() ? argv.end() : argv.begin() + 1, argv.end());
    c.message->smtputf8 = declares_smtputf8(params);
    if (auto r = check_declared_size(params, the_engine->config().limits))
        return refuse_early(ctx, "mail", *r, "declared size above the limit", status::reject);
    return status::proceed;
}

sift::envelope envelope_for(const message_state& m, const recipient& r) {
    sift::envelope env{.from = m.from, .to = r.address};
    for (const auto& p : r.esmtp)
        if (p.size() > 13 && (p.starts_with("ORCPT=rfc822;") || p.starts_with("ORCPT=RFC822;")))
            env.orig_to = p.substr(13);
    return env;
}

status on_envrcpt(call& ctx, const std::vector<std::string>& argv) {
    auto& m = current_message(ctx);
    if (argv.empty()) throw std::runtime_error("RCPT without an address");
    queue_id(ctx);
    recipient r{argv[0], unbracket(argv[0]), {argv.begin() + 1, argv.end()}, macro(ctx, "{rcpt_mailer}")};
    // The 101st recipient (by default) is deferred: the client sends it
    // again in another transaction (RFC 5321 §4.5.3.1.10).
    if (auto limit = check_recipient_count(m.rcpts.size() + m.reversed.size(), the_engine->config().limits))
        return refuse_early(ctx, "rcpt", *limit, r.address, status::tempfail);
    // An SRS address of ours (a bounce, usually from <>, to mail we
    // forwarded; any sender is taken): verified here and, at
    // end-of-message, replaced by the address it stands for. One that
    // does not verify is no address of ours: 550 5.1.1 now, not a bounce
    // later. It is not a local user: no block list, no script of its own
    // (docs/MILTER.md, "SRS", "Bounces").
    const auto& srs_config = the_engine->config().srs;
    bool srs_address = srs_config && srs::srs_form(*srs_config, r.address);
    // Bounces and ordinary mail go in separate transactions (the client
    // sends the deferred ones again, RFC 5321 §4.5.3.1.10).
    auto separately = [&] {
        return reply(ctx, 452, "4.5.3",
                     "Too many recipients for one message here, send the others separately",
                     status::tempfail);
    };
    if (srs_address) {
        auto back = srs::reverse(*srs_config, r.address, std::time(nullptr));
        if (!back.ok)
            return refuse_early(ctx, "rcpt", {550, "5.1.1", "Invalid SRS address (" + back.error + ")"},
                                r.address + ": " + back.error, status::reject);
        if (!m.rcpts.empty()) return separately();
        m.reversed.push_back({std::move(r), std::move(back.address)});
        return status::proceed;
    }
    if (!m.reversed.empty()) return separately();
    // A sender this recipient (or the site) blocks: this RCPT is refused,
    // the others go on.
    if (the_engine->sender_blocked(*m.snap, m.from, r.address))
        return refuse_early(ctx, "rcpt",
                            {550, "5.7.1", "Sender blocked by the recipient's or the site's block list"},
                            m.from + " for " + r.address, status::reject);
    auto own = the_engine->script_for(*m.snap, r.address);
    // The policy's and this user's scripts read the envelope alone: they
    // decide now, and a refusal is this recipient's alone (docs/MILTER.md,
    // "Early verdicts").
    std::optional<sift::result> early;
    if (the_engine->needs_for(*m.snap, own.get()) == sift::needs::envelope) {
        sift::message none;
        none.end_headers();
        early = the_engine->run(*m.snap, state(ctx).session, none, envelope_for(m, r), own.get());
        const auto& v = early->verdict;
        if (v.what == sift::verdict::kind::tempfail)
            return refuse_early(ctx, "rcpt",
                                {451, "4.3.0", "Temporary failure in message filtering, try again later"},
                                r.address + ": " + v.text, status::tempfail);
        if (v.what == sift::verdict::kind::refuse)
            return refuse_early(ctx, "rcpt", {v.smtp_code, v.enhanced_code, v.text},
                                r.address + ": refused by its scripts at RCPT",
                                v.smtp_code / 100 == 4 ? status::tempfail : status::reject);
    }
    // A recipient whose own script decides what one reply to DATA cannot
    // carry for it alone comes in a transaction of its own; RFC 5321
    // §4.5.3.1.10: the client sends the deferred recipients again, later,
    // in another transaction (docs/MILTER.md, "Several recipients"). One
    // decided at RCPT has nothing left to decide.
    bool first_alone = !m.own.empty() && m.own.front() && m.own.front()->alone && !m.early.front();
    if (!m.rcpts.empty() && ((own && own->alone && !early) || first_alone)) {
        the_engine->stats().tempfail("rcpt_deferred");
        return reply(ctx, 452, "4.5.3",
                     "Too many recipients for one message here, send the others separately",
                     status::tempfail);
    }
    // Recipients whose settings make the policy write other score fields
    // (another threshold, the spam filter off) or refuse at another score
    // cannot share the one header either: the same 452, so each such
    // group gets a transaction of its own.
    if (!m.rcpts.empty() && !early) {
        if (m.first_key.empty())
            m.first_key = the_engine->header_settings_key(*m.snap, m.rcpts.front().address);
        if (the_engine->header_settings_key(*m.snap, r.address) != m.first_key) {
            the_engine->stats().tempfail("rcpt_deferred");
            return reply(ctx, 452, "4.5.3",
                         "Too many recipients for one message here, send the others separately",
                         status::tempfail);
        }
    }
    m.rcpts.push_back(std::move(r));
    m.own.push_back(std::move(own));
    m.stage.push_back(early ? "rcpt" : "eom");
    m.early.push_back(std::move(early));
    return status::proceed;
}

status on_header(call& ctx, std::string_view n, std::string_view v) {
    auto& m = current_message(ctx);
    const auto& limits = the_engine->config().limits;
    bool unanswered = state(ctx).noreply & step::nr_header;
    if (unanswered && m.header_refusal) return status::proceed;  // refused at end-of-headers
    if (auto r = check_header_bytes(n, v, m.smtputf8, limits)) {
        auto detail = std::string(n) + ": 8-bit bytes without SMTPUTF8";
        if (unanswered) {
            m.header_refusal.emplace(*r, std::move(detail));
            return status::proceed;
        }
        return refuse_early(ctx, "header", *r, detail, status::reject);
    }
    // --8bit-headers score: named to the policy (vnd.sift.8bit_header).
    if (limits.score_8bit_headers && !m.smtputf8 && m.eight_bit_header.empty() && has_8bit(n, v))
        m.eight_bit_header = n.empty() ? "?" : std::string(n);
    m.received += n.size() + v.size() + 4;  // "Name: value\r\n"
    // Unanswered headers (step::nr_header): the size is checked at their end.
    if (!unanswered)
        if (auto r = check_size(m.received, limits))
            return refuse_early(ctx, "header", *r, "size above the limit", status::reject);
    m.msg.add_header(n, v);
    m.header_names.emplace_back(n);
    return status::proceed;
}

plan decide_plan(const message_state& m, const std::vector<sift::result>& results) {
    const auto& srs_config = the_engine->config().srs;
    std::optional<srs_context> srs;
    if (srs_config) srs.emplace(srs_context{*srs_config, m.from, std::time(nullptr)});
    auto local = local_delivery_for(*the_engine, *m.snap);
    return decide(m.rcpts, results, m.header_names, srs ? &*srs : nullptr,
                  the_engine->config().quarantine_folder, &local);
}

// The answer to the message, at end-of-message or (anything but an
// accept, which edits) at end-of-headers: the reply, the edits, the
// replies to send, the log line.
status finish(call& ctx, connection& c, message_state& m, const std::vector<sift::result>& results,
              const plan& p, std::chrono::steady_clock::time_point eval_start);

status on_eoh(call& ctx) {
    auto& c = state(ctx);
    // Unanswered (step::nr_eoh): what refuses is kept for end-of-message,
    // a failure too (raise_deferred there), and nothing is decided here.
    bool unanswered = c.noreply & step::nr_eoh;
    if (!unanswered) raise_deferred(c);  // a failure in an unanswered header
    auto& m = current_message(ctx);
    if (m.header_refusal && !unanswered)
        return refuse_early(ctx, "header", m.header_refusal->first, m.header_refusal->second, status::reject);
    if (auto r = check_size(m.received, the_engine->config().limits)) {
        if (!unanswered) return refuse_early(ctx, "header", *r, "size above the limit", status::reject);
        if (!m.header_refusal) m.header_refusal.emplace(*r, "size above the limit");
    }
    m.msg.end_headers();
    if (!m.eight_bit_header.empty()) {
        m.session = c.session;
        m.session->items.emplace_back("vnd.sift.8bit_header", m.eight_bit_header);
    }
    // A bounce to SRS addresses: nothing to decide, the body is not needed.
    if (!m.reversed.empty()) {
        m.decided = true;
        return status::proceed;
    }
    if (unanswered) return status::proceed;  // every run at end-of-message
    // Runs that read no more than the header decide now; when every
    // recipient's result is known, a refusal, tempfail or discard is the
    // answer to end-of-headers (the body is not read), and an accept waits
    // for end-of-message, the only stage that may edit, skipping the body.
    bool all = !m.rcpts.empty();
    for (std::size_t i = 0; i < m.rcpts.size(); ++i) {
        if (m.early[i]) continue;
        if (the_engine->needs_for(*m.snap, m.own[i].get()) > sift::needs::headers) {
            all = false;
            continue;
        }
        m.early[i] = the_engine->run(*m.snap, m.session ? *m.session : c.session, m.msg,
                                     envelope_for(m, m.rcpts[i]), m.own[i].get());
        m.stage[i] = "eoh";
    }
    if (!all) return status::proceed;
    std::vector<sift::result> results;
    for (auto& r : m.early) results.push_back(*r);
    plan p = decide_plan(m, results);
    if (p.what == plan::outcome::accept) {
        m.decided = true;
        return status::proceed;
    }
    return finish(ctx, c, m, results, p, std::chrono::steady_clock::now());
}

status on_body(call& ctx, std::string_view chunk) {
    auto& c = state(ctx);
    auto& m = current_message(ctx);
    bool unanswered = c.noreply & step::nr_body;
    // Decided at end-of-headers: the rest of the body is not needed.
    if (m.decided && c.skip && !unanswered) return status::skip;
    // Refused at end-of-message: nothing more is kept.
    if (m.header_refusal || m.body_refusal) return status::proceed;
    // Refused as soon as it passes the limit: the rest is not read (or,
    // unanswered, not kept, and refused at end-of-message).
    m.received += chunk.size();
    if (auto r = check_size(m.received, the_engine->config().limits)) {
        if (!unanswered) return refuse_early(ctx, "body", *r, "size above the limit", status::reject);
        m.body_refusal = *r;
        return status::proceed;
    }
    if (!m.decided) m.msg.append_body(chunk);
    return status::proceed;
}

void apply(call& ctx, const connection& c, const edit& e) {
    auto& to = ctx.to;
    switch (e.what) {
        case edit::kind::delete_header:
            return to.delete_header(e.name, unsigned(e.index));
        case edit::kind::insert_header:
            return to.insert_header(0, e.name, e.value);
        case edit::kind::add_header:
            return to.add_header(e.name, e.value);
        case edit::kind::delete_rcpt:
            return to.delete_rcpt(e.value);
        case edit::kind::add_rcpt:
            return to.add_rcpt(e.value, c.addrcpt_par ? std::string_view(e.params) : std::string_view());
        case edit::kind::change_from:
            return to.change_from(e.value);
        case edit::kind::replace_body:
            return to.replace_body(e.value);
    }
}

double ms_since(std::chrono::steady_clock::time_point t) {
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t);
    return double(us.count()) / 1000.0;
}

// `ms`: from MAIL FROM to now (the whole transaction, the client's pace
// included); `eval_ms`: end-of-message alone (the runs, the plan, the edits).
std::string log_entry(call& ctx, const connection& c, const message_state& m,
                      const std::vector<sift::result>& results, const plan& p,
                      std::chrono::steady_clock::time_point eom_start) {
    std::string line = "{\"queue_id\":" + json::quote(queue_id(ctx)) +
                       ",\"client\":" + json::quote(c.session.remote_ip) +
                       ",\"from\":" + json::quote(m.from) + ",\"milter\":" + json::quote(name(p.what)) +
                       ",\"path\":" + json::quote(name(m.path));
    if (!c.session.authenticated_user.empty())
        line += ",\"auth\":" + json::quote(c.session.authenticated_user);
    if (m.helo_skipped) line += ",\"helo_check\":\"skipped\"";
    if (p.smtp_code)
        line +=
            ",\"reply\":" + json::quote(std::to_string(p.smtp_code) + " " + p.enhanced_code + " " + p.text);
    if (!p.quarantine.empty()) line += ",\"quarantine\":" + json::quote(p.quarantine);
    line += ",\"edits\":" + std::to_string(p.edits.size());
    if (!p.header_conflicts.empty()) {
        line += ",\"header_conflicts\":[";
        for (std::size_t i = 0; i < p.header_conflicts.size(); ++i)
            line += (i ? "," : "") + json::quote(p.header_conflicts[i]);
        line += "]";
    }
    line += ",\"recipients\":[";
    for (std::size_t i = 0; i < results.size(); ++i) {
        const auto& r = results[i];
        const auto* own = m.own[i].get();
        if (i) line += ",";
        line += "{\"to\":" + json::quote(m.rcpts[i].address) +
                ",\"script\":" + (own ? json::quote(own->path) : std::string("null")) +
                ",\"verdict\":" + json::quote(sift::name(r.verdict.what)) +
                ",\"stage\":" + json::quote(m.stage[i]) + ",\"mailer\":" + json::quote(m.rcpts[i].mailer) +
                ",\"spam_score\":" + sift::format_score(r.score("spam")) + ",\"delivered_to\":[";
        if (r.verdict.what == sift::verdict::kind::deliver) {
            auto local = local_delivery_for(*the_engine, *m.snap);
            auto to = delivered_to(m.rcpts[i], r, the_engine->config().quarantine_folder, &local);
            for (std::size_t j = 0; j < to.size(); ++j) line += (j ? "," : "") + json::quote(to[j]);
        }
        line += "],\"report\":" + json::report(the_engine->report_script(*m.snap, own), &r) + "}";
    }
    line += "]";
    if (!m.reversed.empty()) {
        line += ",\"srs_reversed\":[";
        for (std::size_t i = 0; i < m.reversed.size(); ++i)
            line += std::string(i ? "," : "") + "{\"to\":" + json::quote(m.reversed[i].rcpt.address) +
                    ",\"original\":" + json::quote(m.reversed[i].original) + "}";
        line += "]";
    }
    line += ",\"ms\":" + std::to_string(ms_since(m.start)) +
            ",\"eval_ms\":" + std::to_string(ms_since(eom_start)) + "}";
    return line;
}

// The metrics of one message decided (metrics.hpp).
void count(const plan& p, const std::vector<sift::result>& results,
           std::chrono::steady_clock::time_point eval_start) {
    auto& stats = the_engine->stats();
    if (p.what == plan::outcome::tempfail) stats.tempfail("policy");
    for (const auto& r : results) stats.recipient(sift::name(r.verdict.what));
    stats.message(name(p.what),
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - eval_start).count());
}

status finish(call& ctx, connection& c, message_state& m, const std::vector<sift::result>& results,
              const plan& p, std::chrono::steady_clock::time_point eval_start) {
    status status = status::proceed;
    switch (p.what) {
        case plan::outcome::tempfail:
            status = reply(ctx, p.smtp_code, p.enhanced_code, p.text, status::tempfail);
            break;
        case plan::outcome::refuse:
            status = reply(ctx, p.smtp_code, p.enhanced_code, p.text, status::reject);
            break;
        case plan::outcome::discard:
            status = status::discard;
            break;
        case plan::outcome::accept:
            for (const auto& e : p.edits) apply(ctx, c, e);
            if (!p.quarantine.empty()) ctx.to.quarantine(p.quarantine);
            break;
    }
    // Vacation replies and notifications for the recipients whose mail is
    // delivered or discarded (not for a refused or deferred message: its
    // sender hears from the MTA, and a retry runs the scripts again).
    if (p.what == plan::outcome::accept || p.what == plan::outcome::discard)
        for (const auto& r : results)
            if (r.verdict.what == sift::verdict::kind::deliver ||
                r.verdict.what == sift::verdict::kind::discard)
                the_engine->send_replies(r, queue_id(ctx));
    count(p, results, eval_start);
    log_line(log_entry(ctx, c, m, results, p, eval_start));
    c.message.reset();
    return status;
}

status on_eom(call& ctx) {
    auto eom_start = std::chrono::steady_clock::now();
    auto& c = state(ctx);
    raise_deferred(c);  // a failure in an unanswered end-of-headers or body chunk
    auto& m = current_message(ctx);
    // The refusals of unanswered steps (step::nr_eoh, step::nr_body).
    if (m.header_refusal)
        return refuse_early(ctx, "header", m.header_refusal->first, m.header_refusal->second, status::reject);
    if (m.body_refusal)
        return refuse_early(ctx, "body", *m.body_refusal, "size above the limit", status::reject);
    if (!m.msg.headers_complete()) m.msg.end_headers();
    if (!m.session && !m.eight_bit_header.empty()) {
        m.session = c.session;
        m.session->items.emplace_back("vnd.sift.8bit_header", m.eight_bit_header);
    }
    // A bounce to SRS addresses alone: no script runs, the message goes on
    // as it came, to the original addresses.
    if (!m.reversed.empty()) return finish(ctx, c, m, {}, reverse_srs(m.reversed), eom_start);
    std::vector<sift::result> results;
    results.reserve(m.rcpts.size());
    for (std::size_t i = 0; i < m.rcpts.size(); ++i)
        results.push_back(m.early[i] ? std::move(*m.early[i])
                                     : the_engine->run(*m.snap, m.session ? *m.session : c.session, m.msg,
                                                       envelope_for(m, m.rcpts[i]), m.own[i].get()));
    plan p = decide_plan(m, results);
    return finish(ctx, c, m, results, p, eom_start);
}

std::mutex log_mutex;

}  // namespace

void log_line(const std::string& line) {
    // One write of the line and its newline (stderr is unbuffered: a
    // second call would be a second system call).
    std::string out;
    out.reserve(line.size() + 1);
    out += line;
    out += '\n';
    std::lock_guard lock(log_mutex);
    std::fwrite(out.data(), 1, out.size(), stderr);
    std::fflush(stderr);
}

struct filter_session::state : connection {};

filter_session::filter_session(const engine& e, bool tcp) : s_(std::make_unique<state>()) {
    the_engine = &e;
    over_tcp = tcp;
}

filter_session::~filter_session() = default;

status filter_session::negotiate(mta& to, std::uint32_t actions, std::uint32_t steps,
                                 std::uint32_t& want_actions, std::uint32_t& want_steps) {
    call ctx{to, *s_};
    return guarded<on_negotiate>(ctx, actions, steps, &want_actions, &want_steps);
}

status filter_session::connect(mta& to, std::string_view host, std::string_view address) {
    call ctx{to, *s_};
    return guarded_noreply<on_connect, step::nr_connect>(ctx, host, address);
}

status filter_session::helo(mta& to, std::string_view name) {
    call ctx{to, *s_};
    return guarded_noreply<on_helo, step::nr_helo>(ctx, name);
}

status filter_session::mail(mta& to, const std::vector<std::string>& args) {
    call ctx{to, *s_};
    return guarded<on_envfrom>(ctx, args);
}

status filter_session::rcpt(mta& to, const std::vector<std::string>& args) {
    call ctx{to, *s_};
    return guarded<on_envrcpt>(ctx, args);
}

status filter_session::header(mta& to, std::string_view name, std::string_view value) {
    call ctx{to, *s_};
    return guarded_noreply<on_header, step::nr_header>(ctx, name, value);
}

status filter_session::end_of_headers(mta& to) {
    call ctx{to, *s_};
    return guarded_noreply<on_eoh, step::nr_eoh>(ctx);
}

status filter_session::body(mta& to, std::string_view chunk) {
    call ctx{to, *s_};
    return guarded_noreply<on_body, step::nr_body>(ctx, chunk);
}

status filter_session::end_of_message(mta& to) {
    call ctx{to, *s_};
    return guarded<on_eom>(ctx);
}

void filter_session::abort() {
    s_->message.reset();
}

bool filter_session::in_message() const {
    return s_->message.has_value();
}

void filter_session::reset_connection() {
    auto fresh = std::make_unique<state>();
    fresh->addrcpt_par = s_->addrcpt_par;
    fresh->noreply = s_->noreply;
    fresh->skip = s_->skip;
    fresh->negotiated = s_->negotiated;
    fresh->no_body = s_->no_body;
    s_ = std::move(fresh);
}

}  // namespace sift::milter
