// What a script decided for one message and one recipient.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sift {

enum class action_kind { keep, fileinto, redirect, discard, reject, ereject };

std::string_view name(action_kind k);

struct action {
    action_kind kind = action_kind::keep;
    std::string mailbox;             // keep: "INBOX"; fileinto: the folder
    std::vector<std::string> flags;  // imap4flags, when set
    std::string address;             // redirect target
    std::string reason;              // reject / ereject text
    bool copy = false;               // :copy given
    bool implicit = false;           // the implicit keep
    unsigned line = 0;               // script line that caused it (0: implicit)
};

enum class run_status {
    ok,             // the script ran to completion (or stop)
    runtime_error,  // the script failed: its actions were cancelled and the
                    // message is kept (RFC 5228 §2.10.6)
};

struct result {
    run_status status = run_status::ok;
    std::vector<action> actions;      // in execution order; implicit keep last
    std::vector<std::string> errors;  // runtime errors, "line N: message"
    std::uint64_t instructions = 0;   // executed, for cost accounting

    bool ok() const { return status == run_status::ok; }
    // True when the message is dropped without any delivery (explicit discard
    // and nothing else).
    bool discarded() const;
};

}  // namespace sift
