// The SMTP side of a run: the session (one client connection, many
// messages) and the envelope (one message for one recipient).
//
// The three objects a frontend builds have three lifetimes:
//
//     sift::session   per connection: client, HELO, TLS, login, macros
//     sift::message   per message: parsed once (sift/message.hpp)
//     sift::envelope  per recipient: MAIL FROM, RCPT TO
//
// and a run takes one of each, so one parsed message is evaluated for
// each of its recipients without re-parsing:
//
//     for (const auto& rcpt : recipients)
//         results.push_back(script.run(session, message, {.from = sender, .to = rcpt}, options));
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace sift {

// What the SMTP dialogue told us for one recipient. Addresses are without
// angle brackets; an empty `from` is the null reverse-path ("<>").
struct envelope {
    std::string from{};     // MAIL FROM
    std::string to{};       // RCPT TO of the recipient being evaluated
    std::string orig_to{};  // ORCPT, when the MTA knows it
    // The envelope's "auth" part (the MAIL FROM AUTH= parameter, or the
    // SASL login); empty: the session's authenticated_user.
    std::string auth{};
};

// What the frontend knows about the SMTP client and about where Sift runs;
// the environment extension (RFC 5183) reads it.
struct session {
    std::string remote_ip{};
    std::string remote_host{};
    std::string helo{};
    std::string authenticated_user{};  // SASL login name, empty when not authenticated
    // TLS, when the client started it: protocol and cipher as the MTA names
    // them ("TLSv1.3", "TLS_AES_256_GCM_SHA384"); empty: no TLS.
    std::string tls_version{};
    std::string tls_cipher{};
    std::string local_domain{};    // the domain this server answers for ("domain")
    std::string local_host{};      // this server's host name ("host")
    std::string location = "MTA";  // RFC 5183 §4.1: "MTA", "MDA", "MS" or "MUA"
    std::string phase = "during";  // "pre", "during" or "post" delivery
    // The MTA's macros as it passed them ("{daemon_name}", "j", ...), name
    // and value, for the frontend's own commands and logs.
    std::vector<std::pair<std::string, std::string>> macros{};
    // Further environment items, name and value (RFC 5183 §4.1 lets an
    // implementation add its own, named "vnd.<vendor>.<name>"): the
    // environment test looks here for a name it does not know itself.
    std::vector<std::pair<std::string, std::string>> items{};
};

}  // namespace sift
