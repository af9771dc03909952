// Limits and options. Every bound an evaluation or a parse obeys is here,
// once, with its default. Hostile input (huge headers, deep MIME nesting,
// endless scripts) is stopped by these numbers, never by a crash.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sift {

// Bounds on one run of a compiled script against one message.
struct eval_limits {
    // Instructions executed before the run stops with a runtime error.
    std::uint64_t instruction_budget = 1'000'000;
    // RFC 5228 §4.2 recommends a limit on redirects per message.
    unsigned max_redirects = 4;
    // Explicit actions one run may collect (keep, fileinto, redirect, ...).
    unsigned max_actions = 32;
    // enotify (RFC 5435 §3.9 leaves it to local policy): notify actions one
    // run may take; 0 prohibits notify. Pigeonhole's default.
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
    // The characters must outlive the runs that use these limits.
    std::string_view recipient_delimiters = "+";
    // editheader (RFC 5293 §6): fields scripts may not add / delete, besides
    // Received and Auto-Submitted, which can never be deleted (Subject can
    // never be protected); the longest value addheader may add.
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
    // enotify (RFC 5435 §3.9 leaves it to local policy): 0 prohibits notify,
    // and a script that uses it is refused ("local policy prohibits the use
    // of a notify action"); any other number lets it compile, the count per
    // run being eval_limits::max_notifications (set both from one setting,
    // as Pigeonhole's sieve_notify_max_notifications). Same default.
    unsigned max_notifications = 10;
    // editheader (RFC 5293 §6): a constant addheader value longer than this
    // is refused; values built from variables are checked at run time
    // against eval_limits::editheader_max_header_size. Same default.
    std::size_t editheader_max_header_size = 2048;
};

}  // namespace sift
