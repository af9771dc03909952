// One MTA connection on Sift's own milter protocol loop: packets in
// (protocol.hpp), the session logic driven (filter_session), responses and
// actions out. No I/O: server.cpp reads and writes the socket, and a test
// or fuzzer can feed a conversation any bytes (docs/MILTER.md, "The
// protocol loop").
#pragma once

#include "callbacks.hpp"
#include "mta.hpp"
#include "protocol.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sift::milter {

class conversation final : private mta {
public:
    conversation(const engine& e, bool tcp);

    // Handles one packet and appends what is to be sent back to `out`.
    // false: the connection is to be closed once `out` is sent (SMFIC_QUIT,
    // a refused negotiation, or a packet that breaks the protocol: logged,
    // and a message under way answered with a tempfail first).
    bool handle(const proto::packet& p, std::string& out);
    // Between MAIL FROM and the message's end: a shutdown waits for it.
    bool in_message() const { return transaction_; }

private:
    bool dispatch(const proto::packet& p, std::string& out);
    void answer(status s, std::uint32_t unanswered_step, std::string& out);
    status ends_message(status s);
    void forget_message_macros();
    void need(std::uint32_t action, const char* what) const;

    // mta: what the session logic asks of the MTA.
    std::optional<std::string> macro(std::string_view name) override;
    void set_reply(std::string_view code, std::string_view enhanced,
                   const std::vector<std::string>& lines) override;
    void add_header(std::string_view name, std::string_view value) override;
    void insert_header(unsigned index, std::string_view name, std::string_view value) override;
    void delete_header(std::string_view name, unsigned index) override;
    void add_rcpt(std::string_view rcpt, std::string_view params) override;
    void delete_rcpt(std::string_view rcpt) override;
    void change_from(std::string_view from) override;
    void replace_body(std::string_view body) override;
    void quarantine(std::string_view reason) override;

    filter_session session_;
    bool negotiated_ = false;
    // MAIL FROM accepted, the message not ended yet (by its end, an abort,
    // or a verdict on the whole message before its end).
    bool transaction_ = false;
    std::uint32_t version_ = 0, actions_ = 0, steps_ = 0;
    // The macros the MTA sent, per step they were sent for (SMFIC_MACRO's
    // command letter), the later steps looked at first.
    std::array<std::vector<std::pair<std::string, std::string>>, 10> macros_;
    std::optional<std::string> reply_;  // the next reject's or tempfail's SMTP reply
    // End-of-message's changes, sent before its final answer only when
    // that answer lets the message through.
    bool at_eom_ = false;
    std::string edits_;
};

}  // namespace sift::milter
