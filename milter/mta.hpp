// What the session logic (callbacks.hpp) can ask of the MTA, whatever
// carries it: Sift's own milter protocol loop (conversation.hpp, the
// default) or libmilter (libmilter.cpp, `--protocol libmilter`). The
// session logic sees this and nothing of either (docs/MILTER.md, "The
// protocol loop").
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sift::milter {

// A callback's answer to its step (libmilter's SMFIS_*).
enum class status {
    proceed,   // SMFIS_CONTINUE
    reject,    // SMFIS_REJECT: 5xx (the reply set, or the MTA's own)
    discard,   // SMFIS_DISCARD: the message is accepted and dropped
    accept,    // SMFIS_ACCEPT: no more steps for this message
    tempfail,  // SMFIS_TEMPFAIL: 4xx
    noreply,   // SMFIS_NOREPLY: the step was negotiated as unanswered
    skip,      // SMFIS_SKIP: no more body chunks (SMFIP_SKIP negotiated)
};

// Every call that fails throws std::runtime_error (the session logic's
// firewall turns it into a tempfail): the MTA did not negotiate the
// action, the text cannot go into a packet, the connection is gone.
class mta {
public:
    virtual ~mta() = default;

    // The macro's value as the MTA gave it for this step or an earlier one
    // of this connection (`i`, `{auth_authen}`: with or without braces),
    // or nothing.
    virtual std::optional<std::string> macro(std::string_view name) = 0;

    // The SMTP reply to the step's reject or tempfail: code (4xx or 5xx),
    // enhanced code, one line of text or several (at most 32, each without
    // CR or LF), as smfi_setreply and smfi_setmlreply.
    virtual void set_reply(std::string_view code, std::string_view enhanced,
                           const std::vector<std::string>& lines) = 0;

    // End-of-message changes, in the order made.
    virtual void add_header(std::string_view name, std::string_view value) = 0;
    virtual void insert_header(unsigned index, std::string_view name, std::string_view value) = 0;
    // Deletes the index-th (from 1) field of that name.
    virtual void delete_header(std::string_view name, unsigned index) = 0;
    // `params` empty: without ESMTP parameters (SMFIR_ADDRCPT).
    virtual void add_rcpt(std::string_view rcpt, std::string_view params) = 0;
    virtual void delete_rcpt(std::string_view rcpt) = 0;
    virtual void change_from(std::string_view from) = 0;
    // The whole new body (sent in chunks the MTA reads).
    virtual void replace_body(std::string_view body) = 0;
    virtual void quarantine(std::string_view reason) = 0;
};

}  // namespace sift::milter
