// What the milter tells the MTA at end-of-message, decided from each
// recipient's result (no libmilter here: callbacks.cpp carries it out).
//
// The SMTP reply to DATA is one for all recipients, the envelope is per
// recipient, the header and body are shared:
//   - any recipient's tempfail  -> the message is tempfailed (nothing lost:
//     the client retries);
//   - else any refusal          -> the message is refused with that reply
//     (the policy's refusals apply to the message; a user's script that
//     can refuse had its recipient alone in the transaction);
//   - else every recipient discards -> the message is discarded;
//   - else it is accepted, and per recipient: the original address is
//     removed unless it is still delivered to (INBOX), user+Folder@domain
//     is added for each other folder (ORCPT: the original), each redirect
//     address is added, a discarding recipient is removed; the header
//     edits of every recipient are applied once (identical ones merged);
//     a rewritten message (replace, enclose) swaps header and body.
#pragma once

#include "srs.hpp"

#include <sift/result.hpp>

#include <ctime>

#include <string>
#include <string_view>
#include <vector>

namespace sift::milter {

struct recipient {
    std::string arg;                 // as the MTA gave it: "<bob@example.net>"
    std::string address;             // without brackets
    std::vector<std::string> esmtp;  // RCPT TO parameters: "ORCPT=rfc822;...", "NOTIFY=..."
    // The MTA's delivery agent for it, its {rcpt_mailer} macro (Postfix:
    // the transport, "lmtp", "smtp"; Sendmail: the mailer, "local",
    // "esmtp"); "" when the MTA did not say.
    std::string mailer{};
};

// Which recipients the MTA delivers here, into mailboxes, and how their
// local parts carry a detail (docs/MILTER.md, "Plus addresses kept in
// INBOX"). A recipient whose {rcpt_mailer} is one of `mailers` (any case)
// is local; one with another mailer, or none, is relayed.
struct local_delivery {
    std::vector<std::string> mailers;
    std::string delimiters = "+";  // plus.delimiters (the configuration's recipient_delimiters)
};

bool delivered_locally(const local_delivery& local, const recipient& r);
// The address without its +detail ("carol+Shopping@d" -> "carol@d"): the
// local part cut at the first of `delimiters`; the address itself when it
// has none.
std::string without_detail(std::string_view address, std::string_view delimiters);

// One change to the message or its envelope, in the order it is made.
struct edit {
    enum class kind {
        delete_header,  // name, index (1-based among fields of that name, as received)
        insert_header,  // name, value: at the top
        add_header,     // name, value: at the end
        delete_rcpt,    // value: the recipient as the MTA gave it
        add_rcpt,       // value: the address; params: ESMTP parameters ("" for none)
        replace_body,   // value: the new body
        change_from,    // value: the new envelope sender, "<address>" (SRS)
    };
    kind what;
    std::string name{};
    std::string value{};
    std::string params{};
    unsigned index = 0;
    friend bool operator==(const edit&, const edit&) = default;
};

struct plan {
    enum class outcome { accept, refuse, tempfail, discard };
    outcome what = outcome::accept;
    int smtp_code = 0;  // refuse, tempfail
    std::string enhanced_code{};
    std::string text{};
    std::vector<edit> edits{};  // accept only
    // Fields that recipients' runs added with different values (their
    // score fields, say, under different thresholds): the first such
    // recipient's are added, the others' not (docs/MILTER.md, "Several
    // recipients"); for the log.
    std::vector<std::string> header_conflicts{};
    // Non-empty: the message goes to the MTA's hold queue (smfi_quarantine)
    // with this reason, because a recipient's run filed it into the
    // --quarantine-folder.
    std::string quarantine{};
};

std::string_view name(plan::outcome o);

// The header fields of the message as received, for a rewritten message to
// replace (name only; their order gives the indexes).
// SRS for redirects: when a recipient's result redirects to an address
// outside the SRS domain and its excluded (local) domains, the message's
// envelope sender becomes srs::forward(sender) (a change_from edit, before
// the recipient edits). Null: SRS off.
struct srs_context {
    const srs::config& config;
    std::string_view sender;  // MAIL FROM without brackets; "" for the null sender
    std::time_t now;
};

// `local`: a recipient delivered locally whose copy stays in INBOX (kept,
// or filed into INBOX) but that came with a +detail is rewritten to the
// address without it (ORCPT: the original), so that a delivery agent
// that files by detail (Dovecot's lmtp_save_to_detail_mailbox) puts it
// into INBOX as the scripts said; relayed recipients keep their address.
// Null: every recipient as it came.
plan decide(const std::vector<recipient>& rcpts, const std::vector<sift::result>& results,
            const std::vector<std::string>& header_names, const srs_context* srs = nullptr,
            std::string_view quarantine_folder = {}, const local_delivery* local = nullptr);

// Where a delivering result sends the recipient's copies, as decide
// addresses them (for the log): the recipient itself (or without its
// detail, as above) for INBOX and the quarantine folder, user+Folder for
// a folder, each redirect's address.
std::vector<std::string> delivered_to(const recipient& r, const sift::result& res,
                                      std::string_view quarantine_folder = {},
                                      const local_delivery* local = nullptr);

// Reverse SRS (docs/MILTER.md, "SRS"): a bounce to SRS addresses of ours
// that verified at RCPT goes to the addresses they stand for. Such
// recipients come in a transaction of their own and run no script; the
// plan accepts the message as it came and, per recipient, removes the SRS
// address and adds the original one (ORCPT: the one the SRS address came
// with, else the SRS address; NOTIFY kept), every removal first.
struct reversed_recipient {
    recipient rcpt;        // the SRS address as it came
    std::string original;  // srs::reverse's answer
};

plan reverse_srs(const std::vector<reversed_recipient>& rcpts);

// Is `address` outside the SRS domain and every excluded domain?
bool off_domain(const srs::config& c, std::string_view address);

// "user+Folder@domain" for `folder` filed by `address` (an existing +detail
// replaced), the folder made safe for a local part (folder_detail).
std::string plus_address(std::string_view address, std::string_view folder);
// A folder name as a local part's detail: letters, digits, '-', '_' and
// single inner dots as they are, every other byte (and a '.' that would
// start, end or double a dot) as =XX (upper-case hex), so nothing a local
// part or Postfix treats specially (+ % ! @ / | spaces, non-ASCII) gets
// through.
std::string folder_detail(std::string_view folder);
// RFC 3461 §4.2 xtext: '+', '=' and bytes outside '!'..'~' as +XX.
std::string xtext(std::string_view s);
// A header value as libmilter passes it on: no leading blank (the MTA
// adds the space after the colon), LF line ends in folded values.
std::string milter_value(std::string_view value);

}  // namespace sift::milter
