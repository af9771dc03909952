// sift-milter's session logic: one MTA connection's state and what each
// protocol step does with it, each step behind one exception firewall that
// turns any failure into a temporary failure (never accept unfiltered
// mail). It asks the MTA for what it needs through `mta` (mta.hpp) and
// knows nothing of the transport: Sift's own protocol loop
// (conversation.hpp) and the libmilter adapter (libmilter.hpp) both drive
// it (docs/MILTER.md, "The protocol loop").
#pragma once

#include "engine.hpp"
#include "mta.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sift::milter {

// One line on stderr, whole, whoever calls it from whichever thread.
void log_line(const std::string& line);

// The protocol steps (proto::step) to ask of an MTA that offers `offered`:
// no DATA or unknown-command step (no callback), no body when no script
// can read it (engine::body_needed), no reply for the steps that can
// refuse nothing, SKIP where the MTA has it (docs/MILTER.md, "What the
// milter asks of the MTA"). With `tcp` (the MTA's segments are ACKed late:
// libmilter over TCP) nothing goes unanswered, not even DATA's macros: the
// MTA's next small write would wait for their ACK (Nagle against delayed
// ACK, about 40 ms). Sift's own loop ACKs at once (TCP_QUICKACK) and
// passes false.
std::uint32_t protocol_steps(const engine& e, std::uint32_t offered, bool tcp);
// The same over the transport the sessions were made for.
std::uint32_t protocol_steps(const engine& e, std::uint32_t offered);

// One MTA connection. Each step's answer is a status the transport sends
// (or not: status::noreply for a step negotiated as unanswered); whatever
// fails inside is a tempfail with a 451 4.3.0 reply, logged. The steps may
// come in any order and any number of times (a broken or hostile MTA):
// one that needs a message before MAIL FROM tempfails.
class filter_session {
public:
    // `e` outlives the session (one engine per process); `tcp`: over TCP,
    // with delayed ACKs (protocol_steps).
    filter_session(const engine& e, bool tcp);
    ~filter_session();
    filter_session(const filter_session&) = delete;
    filter_session& operator=(const filter_session&) = delete;

    // SMFIC_OPTNEG: the actions and steps the MTA offers; sets those the
    // milter wants. status::reject: the MTA lacks an action the milter
    // needs (logged); the transport then closes the connection.
    status negotiate(mta& to, std::uint32_t actions, std::uint32_t steps, std::uint32_t& want_actions,
                     std::uint32_t& want_steps);
    // The client's host name and address ("" when not an IP).
    status connect(mta& to, std::string_view host, std::string_view address);
    status helo(mta& to, std::string_view name);
    // The address (with its brackets), then the ESMTP parameters.
    status mail(mta& to, const std::vector<std::string>& args);
    status rcpt(mta& to, const std::vector<std::string>& args);
    status header(mta& to, std::string_view name, std::string_view value);
    status end_of_headers(mta& to);
    status body(mta& to, std::string_view chunk);
    // The verdict; an accept's changes are asked of `to` before it returns.
    status end_of_message(mta& to);
    // SMFIC_ABORT: the message under way is forgotten.
    void abort();
    // Between MAIL FROM and the message's end (or its abort).
    bool in_message() const;
    // SMFIC_QUIT_NC: another SMTP connection follows on this milter
    // connection; all but the negotiation is forgotten.
    void reset_connection();

private:
    struct state;
    std::unique_ptr<state> s_;
};

}  // namespace sift::milter
