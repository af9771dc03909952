// What the mail store tells scripts about its mailboxes: the mailbox
// extensions (RFC 5490 mailbox, mboxmetadata, servermetadata; RFC 8579
// special-use; RFC 9042 mailboxid) ask it when a test runs. Given to a run
// through sift::host::mailboxes (sift/host.hpp); without it those tests are
// runtime errors (the message is kept) and the fileinto tags are passed on
// unresolved in the action for the delivery agent. A question it cannot
// answer (the store is down) throws: the run ends as a lookup failure.
//
// Mailbox names arrive as the script wrote them (UTF-8, "INBOX" in any
// case); metadata entries as RFC 5464 names ("/private/comment"), already
// checked for syntax. Implementations must be safe to call from several
// runs at once. Every member but exists() has a default that answers
// "nothing there", so a host implements what its store supports.
#pragma once

#include <sift/export.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace sift {

class SIFT_API mailbox_host {
public:
    virtual ~mailbox_host() = default;

    // mailbox (RFC 5490 §3.1): the mailbox exists and can take a message.
    virtual bool exists(std::string_view mailbox) const = 0;
    // mboxmetadata (RFC 5490 §3.2-3.3): a mailbox's annotation value.
    virtual std::optional<std::string> metadata(std::string_view mailbox, std::string_view entry) const {
        (void)mailbox, (void)entry;
        return std::nullopt;
    }
    // servermetadata (RFC 5490 §3.4-3.5): a server annotation's value.
    virtual std::optional<std::string> server_metadata(std::string_view entry) const {
        (void)entry;
        return std::nullopt;
    }
    // special-use (RFC 8579): the mailbox carrying special-use `flag`
    // ("\\Junk"), if any.
    virtual std::optional<std::string> special_use(std::string_view flag) const {
        (void)flag;
        return std::nullopt;
    }
    // special-use: mailbox `mailbox` carries `flag`.
    virtual bool has_special_use(std::string_view mailbox, std::string_view flag) const {
        (void)mailbox, (void)flag;
        return false;
    }
    // mailboxid (RFC 9042): the name of the mailbox with this OBJECTID.
    virtual std::optional<std::string> mailbox_for_id(std::string_view id) const {
        (void)id;
        return std::nullopt;
    }
};

}  // namespace sift
