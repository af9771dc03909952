// sift-milter's engine: the policy, the users' scripts and the host, with
// no milter protocol in sight (the session logic, callbacks.hpp, drives
// it). One engine serves every connection, on every thread of whichever
// protocol loop runs. What a reload changes (the site's configuration, the
// compiled policy, the run options, the users' compiled scripts) is one
// immutable snapshot, swapped whole: each message takes the current one at
// MAIL FROM and keeps it to its end (docs/MILTER.md, "Reload").
#pragma once

#include "checks.hpp"
#include "metrics.hpp"
#include "outbox.hpp"
#include "plan.hpp"
#include "srs.hpp"

#include <sift/config.hpp>
#include <sift/policy.hpp>
#include <sift/script.hpp>
#include <sift/site.hpp>
#include <sift/store.hpp>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sift::milter {

struct settings {
    std::string policy = "default";          // --policy default|DIR
    std::optional<std::string> scripts_dir;  // --scripts DIR: DIR/<domain>/<localpart>.sieve
    std::string store = "memory";            // --store memory|lmdb:PATH|redis:HOST[:PORT]
    std::vector<std::string> authserv_ids;   // --authserv-id: trusted Authentication-Results
    // --srs-domain, --srs-secret-file, --srs-exclude: the envelope sender
    // of a message redirected off-domain is rewritten (docs/MILTER.md
    // "SRS"); off without a domain.
    std::optional<srs::config> srs;
    // --relay, --spool: where vacation replies and notifications go (the
    // outbox); without them they are not sent, and the log says so.
    std::optional<outbox_config> outbox;
    // The checks before the content (checks.hpp): HELO, recipients, size,
    // 8-bit headers; and whether a sender on a recipient's (or the global)
    // block list is refused at RCPT (--no-rcpt-block-lists: only the policy
    // at end-of-message decides).
    smtp_limits limits{};
    bool rcpt_block_lists = true;
    // --config FILE (sift/config.hpp, docs/CONFIG.md): the site's settings;
    // without it the built-in defaults. Each recipient's own settings
    // (sift/settings.hpp) come from the store over them. `store_from_site`:
    // no --store was given, so the configuration's store is used.
    sift::config site{};
    bool store_from_site = false;
    // --user-scripts-need envelope|headers|body: the most any user's script
    // may read. Unset: anything (the users' scripts are unknown when the MTA
    // connects, so the body is asked for whenever --scripts is given). Set,
    // a user's script that reads more is not used (logged as a compile
    // error is; the policy alone applies), and the MTA is asked for no more.
    std::optional<sift::needs> user_scripts_need;
    // --authenticated submission|inbound: whether mail from a sender who
    // logged in (SMTP AUTH) is a submission of the site's own users
    // (checks.hpp, mail_path) or judged as anyone's.
    bool authenticated_submission = true;
    // --local-mailers: the {rcpt_mailer} values (Postfix transports,
    // Sendmail mailers) that deliver into this site's mailboxes; a kept
    // recipient with a +detail delivered by one of them loses its detail
    // (plan.hpp, local_delivery). Empty: none is rewritten.
    std::vector<std::string> local_mailers{"lmtp", "local", "virtual"};
    // --quarantine-folder NAME: a run that files into NAME holds the message
    // in the MTA's hold queue (smfi_quarantine) instead; empty: none.
    std::string quarantine_folder;
    // --config FILE, read again at each reload ("": none, `site` stays the
    // built-in defaults); `policy_from_site`: no --policy was given, so the
    // configuration's policy.dir names the policy at each reload.
    std::string config_path;
    bool policy_from_site = false;
};

// Thrown at startup (a policy that does not compile, a bad --store): the
// daemon does not start.
struct startup_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// A user's own script, compiled once. `alone`: the script can decide
// something a single SMTP reply cannot carry for one recipient among
// several (refuse, edit the header or the message), so its recipient is
// given a transaction of its own (docs/MILTER.md, "Several recipients").
struct user_script {
    std::string path;
    sift::script script;
    bool alone = false;
    sift::needs needs = sift::needs::body;  // script.needs()
};

// Where a recipient's script lies: DIR/<domain>/<localpart>.sieve, the
// domain in lower case, the local part in lower case without its +detail;
// nullopt for an address that cannot name a file safely (no @, a '/', a
// NUL, a component starting with '.').
std::optional<std::filesystem::path> user_script_path(const std::filesystem::path& dir,
                                                      std::string_view address);

// The SRS configuration from the command line: the domain, each secret
// file's first line (without its line end; an empty or unreadable file is
// an error), the excluded domains. Throws std::invalid_argument with the
// option and the reason.
srs::config read_srs_config(const std::string& domain, const std::vector<std::string>& secret_files,
                            const std::vector<std::string>& exclude);

// "envelope", "headers", "body"; and back (nullopt for anything else).
std::string_view needs_name(sift::needs n);
std::optional<sift::needs> parse_needs(std::string_view s);

// What files look like now (modification time, size, whether each
// exists): two fingerprints differ when any of them changed.
std::vector<std::int64_t> fingerprint(const std::vector<std::filesystem::path>& files);

// Does a script need a transaction of its own (user_script::alone)?
bool decides_alone(const sift::script& s);

// Everything one message is decided with that a reload may change. Built
// whole by engine::reload and never changed after, except the memo of the
// users' compiled scripts (its own lock), which starts empty with each
// snapshot: a reload also recompiles every user's script on its next use.
struct snapshot {
    std::uint64_t generation = 0;                  // 1 at startup, +1 per reload that took
    sift::config site;                             // the configuration (or the defaults)
    sift::policy policy;                           // compiled, ok()
    sift::needs policy_needs = sift::needs::body;  // the most of before and after
    sift::run_options options;                     // from `site`, with the engine's host
    // Files whose change triggers a reload (the configuration file, the
    // policy directory and the files in it), as the poller watches them.
    std::vector<std::filesystem::path> watched;
    std::vector<std::int64_t> fingerprint;  // of `watched`, taken before they were read

    struct cached {
        std::filesystem::file_time_type mtime;
        std::uintmax_t size = 0;
        std::shared_ptr<const user_script> script;  // null: did not compile
    };
    mutable std::mutex cache_mutex;
    mutable std::map<std::string, cached> cache;
};

// What one reload did: `ok` (the new snapshot is current) or not (the old
// one stays; `errors` has the file:line:column diagnostics), and the
// generation current afterwards.
struct reload_result {
    bool ok = false;
    std::uint64_t generation = 0;
    std::string errors;
    std::string json;  // the log line written for it
};

class engine {
public:
    // `log` receives one line per diagnostic (without the newline); it
    // must be safe to call from several threads.
    engine(settings s, std::function<void(const std::string&)> log);
    ~engine();

    // The snapshot new messages take (never null).
    std::shared_ptr<const snapshot> current() const { return current_.load(); }

    // Reads the configuration file and the policy again and, when both
    // are good, makes them the current snapshot (generation + 1); when
    // either is not, keeps the current one and says why, file:line:column.
    // Never half-applied. Logs one JSON line; `trigger` says what asked
    // ("signal", "files", "http", a test). Reloads are serialised; messages
    // under way keep the snapshot they took.
    reload_result reload(std::string_view trigger);
    // Told each reload's start (false) and end (true), whichever triggered
    // it (systemd's RELOADING=1 and READY=1: notify.hpp). Set before any
    // thread starts.
    void on_reload(std::function<void(bool done)> f) { on_reload_ = std::move(f); }

    // The recipient's own script, or null (none, or it does not compile:
    // its errors are logged once per version of the file and snapshot,
    // file:line:col, and the policy alone applies). Compiled on first use
    // and cached in `snap` until the file changes (size or modification
    // time).
    std::shared_ptr<const user_script> script_for(const snapshot& snap, std::string_view address) const;

    // The policy around `own` (before, own, after) for one recipient.
    sift::result run(const snapshot& snap, const sift::session& client, const sift::message& msg,
                     const sift::envelope& env, const user_script* own) const;
    // The script a JSON report names for compile errors (none: they ran).
    const sift::script& report_script(const snapshot& snap, const user_script* own) const;

    // The counters /metrics shows (metrics.hpp); thread-safe.
    metrics& stats() const { return *metrics_; }
    // Messages waiting in the outbox (0 without one).
    std::uint64_t outbox_queued() const;

    const settings& config() const { return settings_; }

    // What one recipient's run reads: the policy and `own` (may be null).
    sift::needs needs_for(const snapshot& snap, const user_script* own) const;
    // Can any message's run under `snap` (or the current snapshot) read
    // the body? The policy's needs, and the users' scripts' unless
    // --user-scripts-need says less (or there is no --scripts). False: the
    // MTA need not send the body (SMFIP_NOBODY).
    bool body_needed(const snapshot& snap) const;
    bool body_needed() const { return body_needed(*current()); }

    // Queues the messages `r` asks to send (vacation replies, notifications
    // with an outgoing message) in the outbox; without one, logs each as not
    // sent. Returns how many were queued. Throws when the spool cannot be
    // written (the caller tempfails: the message is then retried, not lost).
    std::size_t send_replies(const sift::result& r, std::string_view queue_id) const;

    // Is `sender` (MAIL FROM) on `recipient`'s block list or the global one
    // (sift/lists.hpp)? False without lists or with --no-rcpt-block-lists.
    // Throws when the lookup fails (the caller tempfails).
    bool sender_blocked(const snapshot& snap, std::string_view sender, std::string_view recipient) const;

    // The recipient's settings that change what the policy writes into the
    // one header all recipients share (the score fields' threshold, the
    // spam filter on or off) or refuses for all (the reject threshold), as
    // one comparable string: recipients whose keys differ are not put in
    // one transaction. Reads the store; throws when it cannot.
    std::string header_settings_key(const snapshot& snap, std::string_view recipient) const;

private:
    // A snapshot from `site` (the policy it names compiled) or the
    // diagnostics that stop it.
    std::shared_ptr<snapshot> build(const sift::config& site, std::string& errors) const;

    settings settings_;
    std::function<void(const std::string&)> log_;
    std::unique_ptr<metrics> metrics_;
    std::atomic<std::shared_ptr<const snapshot>> current_;
    std::mutex reload_mutex_;
    std::function<void(bool)> on_reload_;
    std::unique_ptr<sift::site_services> services_;  // the store, the lists, the host
    std::unique_ptr<outbox> outbox_;                 // thread-safe itself
};

// The local mailers of the settings and the snapshot's detail delimiters
// (plus.delimiters), for decide.
local_delivery local_delivery_for(const engine& e, const snapshot& snap);

}  // namespace sift::milter
