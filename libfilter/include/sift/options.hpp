// Limits and options. Every bound an evaluation or a parse obeys is here,
// once, with its default. Hostile input (huge headers, deep MIME nesting,
// endless scripts) is stopped by these numbers, never by a crash.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace sift {

class host;  // sift/host.hpp

// Bounds on one run of a compiled script against one message.
struct eval_limits {
    // Instructions executed before the run stops with a runtime error.
    std::uint64_t instruction_budget = 1'000'000;
    // RFC 5228 §4.2 recommends a limit on redirects per message.
    unsigned max_redirects = 4;
    // Explicit actions one run may collect (keep, fileinto, redirect, ...).
    unsigned max_actions = 32;
    // enotify (RFC 5435 §3.9 leaves it to local policy): notify actions one
    // run may take; 0 prohibits notify, and a script that uses it is then
    // refused when compiled with these limits (compile_limits::run). As
    // Pigeonhole's sieve_notify_max_notifications, and its default.
    unsigned max_notifications = 10;
    // RFC 5229 §6: longer values are truncated (at a UTF-8 boundary).
    std::size_t max_variable_size = 4096;
    // :regex (PCRE2): steps one match attempt (one start position) may take
    // (pcre2_set_match_limit), its backtracking depth (pcre2_set_depth_limit;
    // the JIT bounds depth by its 2 MiB stack instead) and the heap its
    // backtracking frames may use, in KiB (pcre2_set_heap_limit). Reaching
    // one is a runtime error, so no pattern can stall a run; the defaults
    // leave ordinary patterns on header-sized values far from them and stop
    // "(a+)+$" in milliseconds.
    std::uint32_t regex_match_limit = 1'000'000;
    std::uint32_t regex_depth_limit = 10'000;
    std::uint32_t regex_heap_limit_kib = 64 * 1024;
    // :regex: the time all of one run's matches may take together. PCRE2
    // counts regex_match_limit afresh at each start position, so a pattern
    // such as "(word )+$" on a 200 KB subject does 10^9 steps without
    // reaching it (3.3 s); the budget is checked as the match moves to
    // each new start position, and running out is a runtime error (RFC 5228
    // §2.10.6: the message is kept). Wall-clock time while matching.
    std::chrono::milliseconds regex_time_budget{50};
    // RFC 5233 (subaddress): the characters that separate user and detail
    // in a local part ("user+detail"); any one of them, the first in the
    // local part wins. Postfix's recipient_delimiter; Pigeonhole's default.
    std::string recipient_delimiters = "+";
    // editheader (RFC 5293 §6): fields scripts may not add / delete, besides
    // Received and Auto-Submitted, which can never be deleted (Subject can
    // never be protected); the longest value addheader may add, in octets
    // (a longer value is a runtime error, and a longer constant one is
    // refused when compiled with these limits: compile_limits::run).
    // Pigeonhole's sieve_editheader_max_header_size and its default.
    std::vector<std::string> editheader_forbid_add{};
    std::vector<std::string> editheader_forbid_delete{};
    std::size_t editheader_max_header_size = 2048;
    // replace / enclose (RFC 5703 §5-6): the largest message either may
    // make, in octets (a run holds the new message besides the original).
    // A bigger one is a runtime error: the script's actions are cancelled
    // and the message is kept as it came. Together they may run at most
    // max_actions times per run.
    std::size_t max_rewritten_message_size = 64 << 20;
};

// Bounds on the best-effort parse of a message.
struct message_limits {
    std::size_t max_headers = 10'000;        // header fields indexed
    std::size_t max_header_bytes = 1 << 20;  // one unfolded header field
    unsigned max_mime_depth = 32;            // nested multiparts / message/rfc822
    std::size_t max_mime_parts = 5'000;      // parts in the whole tree
};

// Bounds on compiling a script.
struct compile_limits {
    std::size_t max_script_bytes = 4 << 20;
    unsigned max_nesting = 64;     // blocks and test lists nested
    unsigned max_errors = 50;      // validation keeps going until this many
    unsigned max_variables = 255;  // distinct variables a script may set
    // include (RFC 6609): how deep includes may nest (the main script is
    // level 0) and how many distinct scripts one compile may include, as
    // Pigeonhole's sieve_include_max_nesting_depth / _max_includes.
    unsigned max_include_depth = 10;
    unsigned max_includes = 255;
    // The limits the script will run with (run_options::limits), read by
    // the checks that refuse when compiling what every such run would
    // refuse: a notify when eval_limits::max_notifications is 0, a constant
    // addheader value longer than eval_limits::editheader_max_header_size.
    // Not owned; nullptr: eval_limits' defaults. Each run checks again
    // against its own limits, so an image compiled under other limits (a
    // cached .svbin, a setting changed since) obeys the run's.
    const eval_limits* run = nullptr;
};

// spamtest / spamtestplus / virustest (RFC 5235): where the score is read,
// as Pigeonhole's sieve_spamtest_* / sieve_virustest_* settings say, when
// the host has no score of its own (host::score). An empty status_header
// means "not configured": the tests see "0" (§3.1).
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

// vnd.sift.score (docs/EXTENSIONS.md, "vnd.sift.score").
struct score_options {
    // spamtest / spamtestplus read Sift's own spam score (the total of the
    // "spam" category) when the host has no score (host::score), no
    // status header is configured (run_options::spamtest) and this is
    // above 0: the ratio total / spam_threshold, clipped to [0, 1], is
    // scaled as RFC 5235 §3 says (spamtest 1 + 9r, :percent 100r,
    // truncated), so a message at the threshold is spamtest "10" and
    // :percent "100", one without spam hits "1" and "0". The policy sets
    // it to the user's threshold (SpamAssassin's required_score is 5).
    // 0: not configured, spamtest stays "0" (not tested) as before.
    double spam_threshold = 0;
    // The most hits one run may hold (a sequence's scripts together: sift/
    // sequence.hpp); one more is a runtime error (a script that names
    // rules from variables in a loop cannot grow the result without end).
    std::size_t max_hits = 1000;
};

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

// What a failed run's verdict is (result::outcome, sift/result.hpp).
enum class failure_mode {
    // RFC 5228 §2.10.6: the script's actions are cancelled and the message
    // is kept (delivered to INBOX). Right where the message must be
    // delivered now: an LDA, LMTP delivery, `sift run`.
    keep,
    // The verdict is tempfail (SMTP 451 4.3.0): the MTA keeps the message
    // queued, or the client retries. Right at the SMTP stage (a milter),
    // where refusing for now loses nothing and accepting unfiltered mail
    // may deliver what the script would have refused.
    tempfail,
};

// How each kind of failure maps (result::status says which happened).
struct failure_policy {
    failure_mode on_runtime_error = failure_mode::keep;   // the script failed
    failure_mode on_lookup_failure = failure_mode::keep;  // the host could not answer
};
// At delivery time: every failure keeps the message (the default).
inline constexpr failure_policy at_delivery{};
// At the MTA stage: a failure, a lookup's or the script's, is a tempfail.
inline constexpr failure_policy at_mta_stage{failure_mode::tempfail, failure_mode::tempfail};

// vnd.sift.authres (docs/EXTENSIONS.md): which Authentication-Results
// fields are believed. Anyone can write one (RFC 8601 §7.2); only those
// the receiving site's own checkers wrote mean anything, and they are
// told apart by their authserv-id (OpenDKIM's and OpenDMARC's AuthservID,
// the MTA's host name). Compared case-insensitively; with none listed, no
// field is believed and every authres test is false.
struct authres_options {
    std::vector<std::string> trusted_authserv_ids{};
};

// Everything a run reads besides the script, the message, the envelope and
// the session: settings, shared by every run that uses them (build them
// once, not per message).
// vnd.sift.attachment's quotas on archive inspection (docs/ATTACHMENTS.md).
// Going past one stops the inspection of that attachment and records the
// defect archive_quota_exceeded, so a policy can refuse what it did not read.
struct attachment_options {
    unsigned max_depth = 5;                    // archives nested in archives (1: no nesting)
    std::size_t max_entries = 10'000;          // archive members in the whole message
    std::uint64_t max_expanded = 64ull << 20;  // bytes decompressed for the whole message
    // Bytes decompressed per byte of an attachment, checked once more than
    // ratio_floor bytes came out of it (small files compress well too).
    unsigned max_ratio = 200;
    std::uint64_t ratio_floor = 1 << 20;
};

struct run_options {
    eval_limits limits{};
    vacation_options vacation{};
    duplicate_options duplicate{};
    attachment_options attachment{};
    score_source spamtest{};   // spamtest, spamtestplus (RFC 5235 §3.1-3.2)
    score_source virustest{};  // virustest (§3.3)
    authres_options authres{};
    score_options score{};  // vnd.sift.score
    failure_policy failures{};
    // The outside world (sift/host.hpp): clock, store, lists, mail store,
    // score, log. Not owned; nullptr: sift::default_host() (system clock,
    // no services).
    const sift::host* host = nullptr;
};

}  // namespace sift
