#include "callbacks.hpp"

#include "ascii.hpp"
#include "checks.hpp"
#include "plan.hpp"

#include <libmilter/mfapi.h>
#include <sift/json.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <utility>

namespace sift::milter {

namespace {

const engine* the_engine = nullptr;  // set once before smfi_main, read-only after
bool over_tcp = false;               // the same: the MTA connects over TCP

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
    // An unanswered header's refusal (SMFIP_NR_HDR): the reply and the log's
    // detail, given at end-of-headers.
    std::optional<std::pair<smtp_reply, std::string>> header_refusal;
    std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
};

struct connection {
    sift::session session;
    std::optional<message_state> message;
    std::string queue_id;                    // the MTA's `i` macro, once it gave one
    bool addrcpt_par = true;                 // the MTA takes ESMTP parameters with an added recipient
    std::optional<smtp_reply> helo_refused;  // a bogus HELO: every MAIL FROM is refused too
    // The SMFIP_NR_* steps negotiated: their callbacks answer SMFIS_NOREPLY
    // and can refuse nothing (on_negotiate asks for them only then); what
    // fails in one is kept here and tempfails at the next step that replies.
    unsigned long noreply = 0;
    std::optional<std::string> deferred_error;
    bool skip = false;  // SMFIP_SKIP negotiated: the body callback may answer SMFIS_SKIP
    // The snapshot current when the steps were negotiated, and whether
    // they left the body out (SMFIP_NOBODY): see keep_body_promise.
    std::shared_ptr<const snapshot> negotiated;
    bool no_body = false;
};

// What end-of-message may do; without these the milter does not run
// (the MTA then applies its milter_default_action).
constexpr unsigned long required_actions =
    SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_ADDRCPT | SMFIF_DELRCPT | SMFIF_CHGBODY | SMFIF_CHGFROM;

connection& state(SMFICTX* ctx) {
    auto* c = static_cast<connection*>(smfi_getpriv(ctx));
    if (!c) throw std::logic_error("no connection state (callback before connect)");
    return *c;
}

message_state& current_message(SMFICTX* ctx) {
    auto& c = state(ctx);
    if (!c.message) throw std::logic_error("no message under way (callback before MAIL FROM)");
    return *c.message;
}

std::string macro(SMFICTX* ctx, const char* name) {
    const char* v = smfi_getsymval(ctx, const_cast<char*>(name));
    return v ? v : "";
}

// Postfix knows the queue ID from the first accepted RCPT on
// (MILTER-NOTES.md), so it is taken at each stage that may have it.
std::string queue_id(SMFICTX* ctx) {
    auto* c = static_cast<connection*>(smfi_getpriv(ctx));
    auto id = macro(ctx, "i");
    if (c && !id.empty()) c->queue_id = id;
    if (id.empty() && c) id = c->queue_id;
    return id.empty() ? "NOQUEUE" : id;
}

std::string unbracket(std::string_view a) {
    if (a.size() >= 2 && a.front() == '<' && a.back() == '>') a = a.substr(1, a.size() - 2);
    return std::string(a);
}

void check(int rc, const char* what) {
    if (rc != MI_SUCCESS) throw std::runtime_error(std::string(what) + " failed");
}

// smfi_setmlreply with lines[0..n) and NULL after them (it stops at the
// first NULL; it takes at most 32 lines).
template <std::size_t... I>
int set_multiline(SMFICTX* ctx, char* code, char* enhanced, std::vector<std::string>& lines,
                  std::index_sequence<I...>) {
    auto at = [&](std::size_t i) -> char* { return i < lines.size() ? lines[i].data() : nullptr; };
    return smfi_setmlreply(ctx, code, enhanced, at(I)..., static_cast<char*>(nullptr));
}

// The reply, on one line when it fits in 512 bytes, else on several
// (reply_lines: split between words, the same code on every line).
sfsistat reply(SMFICTX* ctx, int code, const std::string& enhanced, const std::string& text,
               sfsistat status) {
    auto c = std::to_string(code);
    auto lines = reply_lines(text, enhanced);
    auto* e = const_cast<char*>(enhanced.c_str());
    if (lines.size() == 1)
        check(smfi_setreply(ctx, c.data(), e, lines[0].data()), "smfi_setreply");
    else
        check(set_multiline(ctx, c.data(), e, lines, std::make_index_sequence<32>{}), "smfi_setmlreply");
    return status;
}

// The exception firewall every callback goes through: whatever fails
// (an exception, a libmilter call that failed) is a temporary failure,
// logged with the queue ID, never an accept.
template <auto F, class... A>
sfsistat guarded(SMFICTX* ctx, A... args) noexcept {
    try {
        return F(ctx, args...);
    } catch (const std::exception& e) {
        try {
            log_line("{\"queue_id\":" + json::quote(queue_id(ctx)) +
                     ",\"milter\":\"tempfail\",\"error\":" + json::quote(e.what()) + "}");
            the_engine->stats().tempfail("internal_error");
            reply(ctx, 451, "4.3.0", "Temporary failure in message filtering, try again later",
                  SMFIS_TEMPFAIL);
        } catch (...) {
        }
        return SMFIS_TEMPFAIL;
    } catch (...) {
        return SMFIS_TEMPFAIL;
    }
}

// A callback whose step may have been negotiated as no-reply (`step`, an
// SMFIP_NR_* bit): then it answers SMFIS_NOREPLY whatever happens, and a
// failure is kept for the next step that replies (raise_deferred), which
// tempfails; otherwise it is guarded<> as any other.
template <auto F, unsigned long step, class... A>
sfsistat guarded_noreply(SMFICTX* ctx, A... args) noexcept {
    auto* c = static_cast<connection*>(smfi_getpriv(ctx));
    if (!c || !(c->noreply & step)) return guarded<F, A...>(ctx, args...);
    try {
        F(ctx, args...);
    } catch (const std::exception& e) {
        c->deferred_error = e.what();
    } catch (...) {
        c->deferred_error = "unknown exception";
    }
    return SMFIS_NOREPLY;
}

// A failure in a no-reply step is the failure of the next step that replies.
void raise_deferred(connection& c) {
    if (!c.deferred_error) return;
    auto what = std::move(*c.deferred_error);
    c.deferred_error.reset();
    throw std::runtime_error(what);
}

std::string address_of(const sockaddr* sa) {
    if (!sa) return "";
    char buf[INET6_ADDRSTRLEN] = "";
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr, buf, sizeof buf);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr, buf, sizeof buf);
    return buf;
}

connection& new_connection(SMFICTX* ctx) {
    if (auto* c = static_cast<connection*>(smfi_getpriv(ctx))) return *c;
    auto c = std::make_unique<connection>();
    check(smfi_setpriv(ctx, c.get()), "smfi_setpriv");
    return *c.release();  // on_close deletes it
}

}  // namespace

unsigned long protocol_steps(const engine& e, unsigned long offered, bool tcp) {
    const auto& limits = e.config().limits;
    // Steps with no callback here: not sent at all. But DATA is over TCP:
    // Postfix sends a left-out step's macros all the same (milter_data_macros,
    // `i`), and unanswered, they stall the next write as an unanswered step
    // does (below).
    unsigned long steps = (tcp ? SMFIP_NOUNKNOWN : SMFIP_NODATA | SMFIP_NOUNKNOWN) & offered;
    // No script of any message reads the body (the policy's needs, and the
    // users' scripts': unknown at connect time, so only with
    // --user-scripts-need or without --scripts).
    if (!e.body_needed()) steps |= SMFIP_NOBODY & offered;
    // Callbacks that can refuse nothing need not be answered: connect
    // always, HELO when no HELO check is on. Nor the headers: what refuses
    // one (its 8-bit bytes, the size) is answered at end-of-headers, and the
    // client hears either at the end of DATA all the same (the MTA answers
    // the content once); one round trip per header field saved.
    unsigned long noreply = SMFIP_NR_CONN | SMFIP_NR_HDR;
    if (!limits.refuse_bogus_helo && limits.banned_helo.empty()) noreply |= SMFIP_NR_HELO;
    // Not over TCP: Postfix writes each step as it comes, without
    // TCP_NODELAY, so its write after an unanswered one waits (Nagle) for
    // the ACK, which the milter's kernel delays by about 40 ms. Measured
    // through Postfix (scripts/bench-milter): DATA's unanswered macros added
    // 45 ms to every message over TCP; an unanswered step is the same
    // pattern. A unix socket has no such wait.
    if (!tcp) steps |= noreply & offered;
    // The rest of the body may be skipped once the verdict is known.
    steps |= SMFIP_SKIP & offered;
    return steps;
}

unsigned long protocol_steps(const engine& e, unsigned long offered) {
    return protocol_steps(e, offered, over_tcp);
}

namespace {

// Protocol 6 negotiation: the actions end-of-message needs (and
// SMFIF_ADDRCPT_PAR where the MTA has it, else a fileinto's added
// recipient goes without ORCPT), and no more protocol steps than the
// scripts and checks need (protocol_steps).
sfsistat on_negotiate(SMFICTX* ctx, unsigned long actions, unsigned long offered, unsigned long,
                      unsigned long, unsigned long* want_actions, unsigned long* want_steps,
                      unsigned long* f2, unsigned long* f3) {
    auto& c = new_connection(ctx);
    // A quarantine folder needs the MTA's hold queue.
    unsigned long required = required_actions;
    if (!the_engine->config().quarantine_folder.empty()) required |= SMFIF_QUARANTINE;
    if ((actions & required) != required) {
        log_line("sift-milter: the MTA does not offer the actions the milter needs (offered 0x" + [&] {
            char b[32];
            std::snprintf(b, sizeof b, "%lx", actions);
            return std::string(b);
        }() + "): connection refused");
        return SMFIS_REJECT;
    }
    c.addrcpt_par = (actions & SMFIF_ADDRCPT_PAR) != 0;
    *want_actions = required | (actions & SMFIF_ADDRCPT_PAR);
    c.negotiated = the_engine->current();
    *want_steps = protocol_steps(*the_engine, offered);
    c.noreply = *want_steps & (SMFIP_NR_CONN | SMFIP_NR_HELO | SMFIP_NR_HDR);
    c.no_body = (*want_steps & SMFIP_NOBODY) != 0;
    c.skip = (*want_steps & SMFIP_SKIP) != 0;
    *f2 = 0;
    *f3 = 0;
    return SMFIS_CONTINUE;
}

sfsistat on_connect(SMFICTX* ctx, char* hostname, _SOCK_ADDR* addr) {
    auto* c = &new_connection(ctx);
    c->session.remote_host = hostname ? hostname : "";
    c->session.remote_ip = address_of(addr);
    c->session.local_host = macro(ctx, "j");
    for (const char* m : {"j", "{daemon_name}", "{daemon_addr}", "v"})
        if (auto v = macro(ctx, m); !v.empty()) c->session.macros.emplace_back(m, v);
    return SMFIS_CONTINUE;
}

// A refusal before the content: logged (one JSON line), answered.
sfsistat refuse_early(SMFICTX* ctx, const char* stage, const smtp_reply& r, std::string_view detail,
                      sfsistat status) {
    log_line("{\"queue_id\":" + json::quote(queue_id(ctx)) + ",\"stage\":" + json::quote(stage) +
             ",\"milter\":" + json::quote(status == SMFIS_TEMPFAIL ? "tempfail" : "refuse") +
             ",\"reply\":" + json::quote(std::to_string(r.code) + " " + r.enhanced + " " + r.text) +
             ",\"detail\":" + json::quote(detail) + "}");
    the_engine->stats().early(stage, status == SMFIS_TEMPFAIL);
    return reply(ctx, r.code, r.enhanced, r.text, status);
}

sfsistat on_helo(SMFICTX* ctx, char* helo) {
    auto& c = state(ctx);
    c.session.helo = helo ? helo : "";
    c.helo_refused = check_helo(c.session.helo, the_engine->config().limits);
    if (c.helo_refused)
        return refuse_early(ctx, "helo", *c.helo_refused,
                            "HELO " + c.session.helo + ": " +
                                bogus_helo(c.session.helo, the_engine->config().limits).value_or("banned"),
                            SMFIS_REJECT);
    return SMFIS_CONTINUE;
}

// A connection negotiated without the body (SMFIP_NOBODY) cannot be
// decided by a snapshot that reads it (a reload since): its messages are
// decided by the snapshot of the negotiation instead; only when that one
// reads the body too (a reload between the two looks) is it a failure.
void keep_body_promise(connection& c) {
    if (!c.no_body || !the_engine->body_needed(*c.message->snap)) return;
    if (!c.negotiated || the_engine->body_needed(*c.negotiated))
        throw std::runtime_error("the policy reads the body, which this connection was negotiated without");
    c.message->snap = c.negotiated;
}

sfsistat on_envfrom(SMFICTX* ctx, char** argv) {
    auto& c = state(ctx);
    c.message.emplace();
    // A new transaction: the last message's queue ID is not this one's
    // (Postfix gives `i` only from the first accepted RCPT on, so a refusal
    // at MAIL or at that RCPT is logged as NOQUEUE, not as the last ID).
    c.queue_id.clear();
    raise_deferred(c);  // a failure at connect or HELO (no-reply steps)
    keep_body_promise(c);
    c.message->from = argv && argv[0] ? unbracket(argv[0]) : "";
    // A client that goes on after its HELO was refused is refused here.
    if (c.helo_refused) return refuse_early(ctx, "mail", *c.helo_refused, "after a bogus HELO", SMFIS_REJECT);
    std::vector<std::string> params;
    for (char** a = argv ? argv + 1 : nullptr; a && *a; ++a) params.emplace_back(*a);
    c.message->smtputf8 = declares_smtputf8(params);
    if (auto r = check_declared_size(params, the_engine->config().limits))
        return refuse_early(ctx, "mail", *r, "declared size above the limit", SMFIS_REJECT);
    // Known from MAIL FROM on: the SASL login and TLS (Postfix's
    // milter_mail_macros and milter_helo_macros).
    c.session.authenticated_user = macro(ctx, "{auth_authen}");
    c.session.tls_version = macro(ctx, "{tls_version}");
    c.session.tls_cipher = macro(ctx, "{cipher}");
    return SMFIS_CONTINUE;
}

sift::envelope envelope_for(const message_state& m, const recipient& r) {
    sift::envelope env{.from = m.from, .to = r.address};
    for (const auto& p : r.esmtp)
        if (p.size() > 13 && (p.starts_with("ORCPT=rfc822;") || p.starts_with("ORCPT=RFC822;")))
            env.orig_to = p.substr(13);
    return env;
}

sfsistat on_envrcpt(SMFICTX* ctx, char** argv) {
    auto& m = current_message(ctx);
    if (!argv || !argv[0]) throw std::runtime_error("RCPT without an address");
    queue_id(ctx);
    recipient r{argv[0], unbracket(argv[0]), {}, macro(ctx, "{rcpt_mailer}")};
    for (char** a = argv + 1; *a; ++a) r.esmtp.emplace_back(*a);
    // The 101st recipient (by default) is deferred: the client sends it
    // again in another transaction (RFC 5321 §4.5.3.1.10).
    if (auto limit = check_recipient_count(m.rcpts.size() + m.reversed.size(), the_engine->config().limits))
        return refuse_early(ctx, "rcpt", *limit, r.address, SMFIS_TEMPFAIL);
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
                     "Too many recipients for one message here, send the others separately", SMFIS_TEMPFAIL);
    };
    if (srs_address) {
        auto back = srs::reverse(*srs_config, r.address, std::time(nullptr));
        if (!back.ok)
            return refuse_early(ctx, "rcpt", {550, "5.1.1", "Invalid SRS address (" + back.error + ")"},
                                r.address + ": " + back.error, SMFIS_REJECT);
        if (!m.rcpts.empty()) return separately();
        m.reversed.push_back({std::move(r), std::move(back.address)});
        return SMFIS_CONTINUE;
    }
    if (!m.reversed.empty()) return separately();
    // A sender this recipient (or the site) blocks: this RCPT is refused,
    // the others go on.
    if (the_engine->sender_blocked(*m.snap, m.from, r.address))
        return refuse_early(ctx, "rcpt",
                            {550, "5.7.1", "Sender blocked by the recipient's or the site's block list"},
                            m.from + " for " + r.address, SMFIS_REJECT);
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
                                r.address + ": " + v.text, SMFIS_TEMPFAIL);
        if (v.what == sift::verdict::kind::refuse)
            return refuse_early(ctx, "rcpt", {v.smtp_code, v.enhanced_code, v.text},
                                r.address + ": refused by its scripts at RCPT",
                                v.smtp_code / 100 == 4 ? SMFIS_TEMPFAIL : SMFIS_REJECT);
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
                     "Too many recipients for one message here, send the others separately", SMFIS_TEMPFAIL);
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
                         SMFIS_TEMPFAIL);
        }
    }
    m.rcpts.push_back(std::move(r));
    m.own.push_back(std::move(own));
    m.stage.push_back(early ? "rcpt" : "eom");
    m.early.push_back(std::move(early));
    return SMFIS_CONTINUE;
}

sfsistat on_header(SMFICTX* ctx, char* name, char* value) {
    auto& m = current_message(ctx);
    std::string_view n = name ? name : "", v = value ? value : "";
    const auto& limits = the_engine->config().limits;
    bool unanswered = state(ctx).noreply & SMFIP_NR_HDR;
    if (unanswered && m.header_refusal) return SMFIS_CONTINUE;  // refused at end-of-headers
    if (auto r = check_header_bytes(n, v, m.smtputf8, limits)) {
        auto detail = std::string(n) + ": 8-bit bytes without SMTPUTF8";
        if (unanswered) {
            m.header_refusal.emplace(*r, std::move(detail));
            return SMFIS_CONTINUE;
        }
        return refuse_early(ctx, "header", *r, detail, SMFIS_REJECT);
    }
    // --8bit-headers score: named to the policy (vnd.sift.8bit_header).
    if (limits.score_8bit_headers && !m.smtputf8 && m.eight_bit_header.empty() && has_8bit(n, v))
        m.eight_bit_header = n.empty() ? "?" : std::string(n);
    m.received += n.size() + v.size() + 4;  // "Name: value\r\n"
    // Unanswered headers (SMFIP_NR_HDR): the size is checked at their end.
    if (!unanswered)
        if (auto r = check_size(m.received, limits))
            return refuse_early(ctx, "header", *r, "size above the limit", SMFIS_REJECT);
    m.msg.add_header(name ? name : "", value ? value : "");
    m.header_names.emplace_back(name ? name : "");
    return SMFIS_CONTINUE;
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
sfsistat finish(SMFICTX* ctx, connection& c, message_state& m, const std::vector<sift::result>& results,
                const plan& p, std::chrono::steady_clock::time_point eval_start);

sfsistat on_eoh(SMFICTX* ctx) {
    auto& c = state(ctx);
    raise_deferred(c);  // a failure in an unanswered header
    auto& m = current_message(ctx);
    if (m.header_refusal)
        return refuse_early(ctx, "header", m.header_refusal->first, m.header_refusal->second, SMFIS_REJECT);
    if (auto r = check_size(m.received, the_engine->config().limits))
        return refuse_early(ctx, "header", *r, "size above the limit", SMFIS_REJECT);
    m.msg.end_headers();
    if (!m.eight_bit_header.empty()) {
        m.session = c.session;
        m.session->items.emplace_back("vnd.sift.8bit_header", m.eight_bit_header);
    }
    // A bounce to SRS addresses: nothing to decide, the body is not needed.
    if (!m.reversed.empty()) {
        m.decided = true;
        return SMFIS_CONTINUE;
    }
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
    if (!all) return SMFIS_CONTINUE;
    std::vector<sift::result> results;
    for (auto& r : m.early) results.push_back(*r);
    plan p = decide_plan(m, results);
    if (p.what == plan::outcome::accept) {
        m.decided = true;
        return SMFIS_CONTINUE;
    }
    return finish(ctx, c, m, results, p, std::chrono::steady_clock::now());
}

sfsistat on_body(SMFICTX* ctx, unsigned char* chunk, size_t size) {
    auto& m = current_message(ctx);
    // Decided at end-of-headers: the rest of the body is not needed.
    if (m.decided && state(ctx).skip) return SMFIS_SKIP;
    // Refused as soon as it passes the limit: the rest is not read.
    m.received += size;
    if (auto r = check_size(m.received, the_engine->config().limits))
        return refuse_early(ctx, "body", *r, "size above the limit", SMFIS_REJECT);
    if (!m.decided) m.msg.append_body(std::string_view(reinterpret_cast<const char*>(chunk), size));
    return SMFIS_CONTINUE;
}

void apply(SMFICTX* ctx, const connection& c, const edit& e) {
    auto* name = const_cast<char*>(e.name.c_str());
    auto* value = const_cast<char*>(e.value.c_str());
    switch (e.what) {
        case edit::kind::delete_header:
            return check(smfi_chgheader(ctx, name, int(e.index), nullptr), "smfi_chgheader");
        case edit::kind::insert_header:
            return check(smfi_insheader(ctx, 0, name, value), "smfi_insheader");
        case edit::kind::add_header:
            return check(smfi_addheader(ctx, name, value), "smfi_addheader");
        case edit::kind::delete_rcpt:
            return check(smfi_delrcpt(ctx, value), "smfi_delrcpt");
        case edit::kind::add_rcpt:
            if (e.params.empty() || !c.addrcpt_par) return check(smfi_addrcpt(ctx, value), "smfi_addrcpt");
            return check(smfi_addrcpt_par(ctx, value, const_cast<char*>(e.params.c_str())),
                         "smfi_addrcpt_par");
        case edit::kind::change_from:
            return check(smfi_chgfrom(ctx, value, nullptr), "smfi_chgfrom");
        case edit::kind::replace_body:
            // Postfix reads body chunks of at most 65535 bytes.
            for (std::size_t at = 0; at < e.value.size(); at += 65535) {
                auto n = std::min<std::size_t>(65535, e.value.size() - at);
                check(smfi_replacebody(ctx, reinterpret_cast<unsigned char*>(value + at), int(n)),
                      "smfi_replacebody");
            }
            if (e.value.empty())
                check(smfi_replacebody(ctx, reinterpret_cast<unsigned char*>(value), 0), "smfi_replacebody");
            return;
    }
}

double ms_since(std::chrono::steady_clock::time_point t) {
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t);
    return double(us.count()) / 1000.0;
}

// `ms`: from MAIL FROM to now (the whole transaction, the client's pace
// included); `eval_ms`: end-of-message alone (the runs, the plan, the edits).
std::string log_entry(SMFICTX* ctx, const connection& c, const message_state& m,
                      const std::vector<sift::result>& results, const plan& p,
                      std::chrono::steady_clock::time_point eom_start) {
    std::string line = "{\"queue_id\":" + json::quote(queue_id(ctx)) +
                       ",\"client\":" + json::quote(c.session.remote_ip) +
                       ",\"from\":" + json::quote(m.from) + ",\"milter\":" + json::quote(name(p.what));
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

sfsistat finish(SMFICTX* ctx, connection& c, message_state& m, const std::vector<sift::result>& results,
                const plan& p, std::chrono::steady_clock::time_point eval_start) {
    sfsistat status = SMFIS_CONTINUE;
    switch (p.what) {
        case plan::outcome::tempfail:
            status = reply(ctx, p.smtp_code, p.enhanced_code, p.text, SMFIS_TEMPFAIL);
            break;
        case plan::outcome::refuse:
            status = reply(ctx, p.smtp_code, p.enhanced_code, p.text, SMFIS_REJECT);
            break;
        case plan::outcome::discard:
            status = SMFIS_DISCARD;
            break;
        case plan::outcome::accept:
            for (const auto& e : p.edits) apply(ctx, c, e);
            if (!p.quarantine.empty())
                check(smfi_quarantine(ctx, const_cast<char*>(p.quarantine.c_str())), "smfi_quarantine");
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

sfsistat on_eom(SMFICTX* ctx) {
    auto eom_start = std::chrono::steady_clock::now();
    auto& c = state(ctx);
    auto& m = current_message(ctx);
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

sfsistat on_abort(SMFICTX* ctx) {
    if (auto* c = static_cast<connection*>(smfi_getpriv(ctx))) c->message.reset();
    return SMFIS_CONTINUE;
}

sfsistat on_close(SMFICTX* ctx) {
    delete static_cast<connection*>(smfi_getpriv(ctx));
    smfi_setpriv(ctx, nullptr);
    return SMFIS_CONTINUE;
}

std::mutex log_mutex;

}  // namespace

void log_line(const std::string& line) {
    std::lock_guard lock(log_mutex);
    std::fwrite(line.data(), 1, line.size(), stderr);
    std::fputc('\n', stderr);
    std::fflush(stderr);
}

smfiDesc filter_description(const engine& e, bool tcp) {
    the_engine = &e;
    over_tcp = tcp;
    smfiDesc d{};
    d.xxfi_name = const_cast<char*>("sift");
    d.xxfi_version = SMFI_VERSION;
    d.xxfi_flags = required_actions | SMFIF_ADDRCPT_PAR;
    if (!e.config().quarantine_folder.empty()) d.xxfi_flags |= SMFIF_QUARANTINE;
    d.xxfi_connect = guarded_noreply<on_connect, SMFIP_NR_CONN, char*, _SOCK_ADDR*>;
    d.xxfi_helo = guarded_noreply<on_helo, SMFIP_NR_HELO, char*>;
    d.xxfi_envfrom = guarded<on_envfrom, char**>;
    d.xxfi_envrcpt = guarded<on_envrcpt, char**>;
    d.xxfi_header = guarded_noreply<on_header, SMFIP_NR_HDR, char*, char*>;
    d.xxfi_eoh = guarded<on_eoh>;
    d.xxfi_body = guarded<on_body, unsigned char*, size_t>;
    d.xxfi_eom = guarded<on_eom>;
    d.xxfi_abort = guarded<on_abort>;
    d.xxfi_close = guarded<on_close>;
    d.xxfi_negotiate = guarded<on_negotiate, unsigned long, unsigned long, unsigned long, unsigned long,
                               unsigned long*, unsigned long*, unsigned long*, unsigned long*>;
    return d;
}

}  // namespace sift::milter
