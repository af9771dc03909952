// What the program embedding Sift provides to the extensions that need
// more than the message and its envelope: a state store (vacation,
// duplicate), mailbox information (mailbox, metadata, special-use), list
// lookups (extlists), scripts to include. Every member is optional: an
// extension whose service is missing fails at run time with an error
// saying which service, and the message is kept (RFC 5228 §2.10.6).
//
// Each capability that needs a service adds its member here, with a
// comment naming the capability.
#pragma once

#include <sift/export.hpp>
#include <sift/mailbox_host.hpp>

#include <array>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sift {

// extlists (RFC 6134): the externally stored lists a script may name.
// Names arrive canonical: "urn:ietf:params:sieve:addrbook:personal" and
// its shorthand ":addrbook:personal" are both passed as ":addrbook:personal"
// (§2.1); other URIs as written. Values compare as the provider defines
// (the file provider: addresses case-insensitively). Implementations must
// be safe to call from several runs at once.
struct SIFT_API list_provider {
    virtual ~list_provider() = default;
    virtual bool valid(std::string_view list) const = 0;  // the list exists
    virtual bool contains(std::string_view list, std::string_view value) const = 0;
    virtual std::vector<std::string> members(std::string_view list) const = 0;  // redirect :list
};

// A list_provider reading a directory once: each regular file is a list,
// one entry per line (blank lines and lines starting with '#' skipped),
// named by its file name: file "addrbook:personal" is ":addrbook:personal"
// (urn:ietf:params:sieve:addrbook:personal), file "tag:example.com,2011:x"
// is that URI. Entries compare case-insensitively (ASCII) and
// are looked up in O(1). Throws std::runtime_error when `dir` cannot be
// read. Defined in ext/extlists/file_provider.cpp.
SIFT_API std::unique_ptr<list_provider> file_list_provider(const std::string& dir);

// spamtest / spamtestplus / virustest (RFC 5235): where the score is read,
// as Pigeonhole's sieve_spamtest_* / sieve_virustest_* settings say. An
// empty status_header means "not configured": the tests see "0" (§3.1).
struct score_source {
    enum class kind { score, strlen, text };
    kind type = kind::score;
    // "Name" or "Name: regex" (POSIX ERE/PCRE; capture group 1 is the
    // status), as sieve_spamtest_status_header.
    std::string status_header;
    // score/strlen: the maximum, either a constant (max_value > 0) or read
    // from a header ("Name" or "Name: regex"), sieve_spamtest_max_header.
    std::string max_header;
    double max_value = 0;
    // text: the status text for each value (spamtest 0..10, virustest
    // 0..5), sieve_spamtest_text_valueN; empty entries are unused.
    std::array<std::string, 11> text_values{};
};

namespace store {
class store;  // sift/store.hpp
}

// vacation, vacation-seconds (RFC 5230, RFC 6131): site policy.
struct vacation_options {
    // :days and non-zero :seconds are clamped to [min_period, max_period]
    // (RFC 5230 §4.1 lets sites bound them; Pigeonhole: 1 day, 60 days).
    // `:seconds 0` means "always reply" and is exempt from the minimum.
    std::chrono::seconds min_period = std::chrono::hours(24);
    std::chrono::seconds max_period = std::chrono::hours(24 * 60);
    std::chrono::seconds default_period = std::chrono::hours(24 * 7);  // no :days / :seconds
    // The user's own addresses besides the envelope recipient and
    // :addresses (RFC 5230 §4.5): a message addressed to one of them gets
    // a reply, a message from one of them does not.
    std::vector<std::string> user_addresses;
    // Also count the envelope's ORCPT (sift::envelope::orig_to) as the
    // user's address (Pigeonhole: sieve_vacation_use_original_recipient).
    bool use_original_recipient = false;
    // RFC 5230 §4.5: reply only when a user address is in To, Cc, Bcc or a
    // Resent- field. Turn off for hosts that cannot know the addresses.
    bool check_recipient = true;
    // The reply's Subject when the script gives no :subject (§4.6 leaves
    // it to the implementation): for a message with a subject,
    // `subject_template` with each "%{subject}" (or "%$") replaced by it,
    // "Auto: %{subject}" when the template is empty; for a message without
    // one, `default_subject`, "Automated reply" when empty. Such a subject
    // is cut to `max_subject_length` characters (0: no limit), an ellipsis
    // ("…") marking the cut. Pigeonhole: sieve_vacation_default_subject,
    // sieve_vacation_default_subject_template; its limit is 256 too.
    std::string default_subject{};
    std::string subject_template{};
    std::size_t max_subject_length = 256;
    // The reply's To names the envelope sender as the message's From,
    // Sender, Resent-From, Resent-Sender or Reply-To writes it. With
    // `to_header_ignore_envelope`, it is the message's Sender, else From,
    // whatever the envelope says: for mail whose envelope sender was
    // rewritten (SRS) on the way. The reply still goes to the envelope
    // sender. Pigeonhole: sieve_vacation_to_header_ignore_envelope.
    bool to_header_ignore_envelope = false;
    // Send the reply from the recipient's address (the envelope's RCPT TO)
    // instead of the null reverse-path, for sites whose outgoing relay
    // refuses the null sender. Pigeonhole: sieve_vacation_send_from_recipient.
    bool send_from_recipient = false;
};

// duplicate (RFC 7352 §3): how long an ID is remembered.
struct duplicate_options {
    std::chrono::seconds default_period = std::chrono::hours(12);  // no :seconds
    std::chrono::seconds max_period = std::chrono::hours(48);      // :seconds is capped here
};

struct services {
    // mailbox, mboxmetadata, servermetadata, special-use, mailboxid
    // (RFC 5490, 8579, 9042): the mail store (sift/mailbox_host.hpp).
    const mailbox_host* mailboxes = nullptr;
    // vacation, vacation-seconds, duplicate: memory across messages
    // (docs/STORE.md). Not owned; must outlive the runs. Without it those
    // commands are runtime errors (the message is kept, no reply is sent).
    store::store* state = nullptr;
    vacation_options vacation{};
    duplicate_options duplicate{};
    // extlists (RFC 6134): without it every list is unknown.
    const list_provider* lists = nullptr;
    // spamtest, spamtestplus (RFC 5235 §3.1-3.2) and virustest (§3.3).
    // Hook for the policy's own score: ext/spamtest/score.cpp asks
    // `score_ratio` first when it is set (a value in [0, 1], or < 0 for
    // "not tested"), before reading the headers configured here.
    score_source spamtest{};
    score_source virustest{};
    double (*score_ratio)(const void* context, bool virus) = nullptr;
    const void* score_context = nullptr;
};

}  // namespace sift
