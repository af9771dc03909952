// The host: everything outside the message that a run may ask about.
//
// A frontend (milter, LDA, the CLI, a test) implements sift::host once and
// hands it to every run (sift::run_options::host). It is the only way the
// engine reaches the outside world:
//
//     what                  member          used by
//     --------------------  --------------  -------------------------------
//     the time              now()           currentdate, date's defaults,
//                                           enclose's Date, notify's and
//                                           vacation's Date and Message-ID,
//                                           the records of vacation and
//                                           duplicate (their expiry too,
//                                           when the store runs on it)
//     memory across runs    state()         vacation, duplicate
//     external lists        lists()         extlists (RFC 6134)
//     the mail store        mailboxes()     mailbox, mboxmetadata,
//                                           servermetadata, special-use,
//                                           mailboxid (sift/mailbox_host.hpp)
//     a score of its own    score()         spamtest, spamtestplus, virustest
//     a log                 log()           lookup failures, cleanup errors
//
// Every member has a default, so a host overrides what it has: the system
// clock, no store, no lists, no mail store, no score of its own (the
// headers named in run_options are read), no log. An extension whose
// service is missing fails at run time with an error naming it, and the
// message is kept (RFC 5228 §2.10.6); script::services() and
// host::provides() let a frontend find that out when it loads the script.
//
// Lookups that fail. A store, list or mail-store question that cannot be
// answered (server down, timeout, I/O error) must throw: sift::lookup_error
// or any std::exception (store::store_error is a lookup_error). The run then
// ends with run_status::lookup_failed, not runtime_error, so that a milter
// can answer 4xx and have the mail retried instead of accepting it
// unfiltered (see sift::failure_mode in options.hpp). A host must bound the
// time of its own lookups: the Redis store does it with
// store_config::connect_timeout / command_timeout (1 s each by default).
//
// Threads. A host is shared by the runs that use it, possibly on several
// threads at once: every member is const and must be safe to call
// concurrently.
//
// One clock. now() is the only clock the extensions read. A state store
// keeps its own clock for expiry (store_config::clock); give it the host's
// (basic_host::clock()) so that a test that freezes time freezes expiry too.
#pragma once

#include <sift/export.hpp>
#include <sift/mailbox_host.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace sift {

namespace store {
class store;  // sift/store.hpp
}

// What a host throws when it cannot answer a lookup (see above).
class SIFT_API lookup_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// extlists (RFC 6134): the externally stored lists a script may name.
// Names arrive canonical: "urn:ietf:params:sieve:addrbook:personal" and
// its shorthand ":addrbook:personal" are both passed as ":addrbook:personal"
// (§2.1); other URIs as written; a per-user list a script names as
// "tag:sift,2026:user/block" arrives as the run's user's,
// "tag:sift,2026:users/anna@example.com/block" (sift/lists.hpp). Values compare as the provider defines
// (Sift's providers: the entry rules of sift/lists.hpp). Implementations must
// be safe to call from several runs at once; a failure throws (a lookup
// failure, see above).
struct SIFT_API list_provider {
    virtual ~list_provider() = default;
    virtual bool valid(std::string_view list) const = 0;  // the list exists
    virtual bool contains(std::string_view list, std::string_view value) const = 0;
    virtual std::vector<std::string> members(std::string_view list) const = 0;  // redirect :list
};

// A list_provider reading a directory once: each regular file is a list,
// one entry per line (blank lines and lines starting with '#' skipped),
// named by its path below `dir`: file "addrbook:personal" is
// ":addrbook:personal" (urn:ietf:params:sieve:addrbook:personal), file
// "tag:example.com,2011:x" is that URI. Address and domain entries follow
// the rules of sift/lists.hpp (a sift::lists::file_lists, which can also
// reload()); other entries compare whole, case-insensitively (ASCII). Looked
// up in O(1) per key. Throws std::runtime_error when `dir` cannot be read.
// Defined in ext/extlists/file_provider.cpp.
SIFT_API std::unique_ptr<list_provider> file_list_provider(const std::string& dir);

// Which test asks host::score().
enum class score_test { spam, virus };

// The services above a script's commands may need, by name: what
// script::services() says a script's extensions need, and what
// host::provides() says a host has. Without the state store, the lists or
// the mail store, the commands that ask for them fail at run time; the
// clock every host has (a script that needs it reads the time: freeze it
// in tests). A score of its own is not one: spamtest and virustest read
// the headers without it.
enum class service : std::uint8_t {
    clock,        // now(): every host has one
    state_store,  // state(): vacation, duplicate
    lists,        // lists(): extlists
    mailboxes,    // mailboxes(): mailbox, mboxmetadata, servermetadata,
                  // special-use's and mailboxid's tests
};
inline constexpr service all_services[] = {service::clock, service::state_store, service::lists,
                                           service::mailboxes};
// "clock", "state_store", "lists", "mailboxes".
SIFT_API std::string_view name(service s);

enum class log_level { warning, error };

class SIFT_API host {
public:
    using time_point = std::chrono::system_clock::time_point;

    virtual ~host() = default;

    // The current time. Default: std::chrono::system_clock::now().
    virtual time_point now() const;
    // vacation, vacation-seconds, duplicate: memory across messages
    // (sift/store.hpp, docs/STORE.md). Default: none (those commands are
    // runtime errors; no reply is sent).
    virtual store::store* state() const { return nullptr; }
    // extlists. Default: none (every list is unknown).
    virtual const list_provider* lists() const { return nullptr; }
    // The mail store. Default: none (the mailbox tests are runtime errors,
    // fileinto's :specialuse / :mailboxid are passed on unresolved).
    virtual const mailbox_host* mailboxes() const { return nullptr; }
    // spamtest / virustest (RFC 5235): the host's own verdict on this
    // message, in [0, 1] (1: certainly spam / infected), or a negative
    // value for "not tested". std::nullopt (the default): the host has
    // none, and the score is read from the headers that
    // run_options::spamtest / virustest name.
    virtual std::optional<double> score(score_test test) const {
        (void)test;
        return std::nullopt;
    }
    // What the operator should see: a lookup that failed, a record a
    // failed run could not take back. Default: nothing.
    virtual void log(log_level level, std::string_view message) const { (void)level, (void)message; }

    // Whether this host has `s`. A frontend compares it with
    // script::services() when it loads a script, to refuse (or warn about)
    // one it cannot serve before any mail arrives, instead of failing each
    // message that reaches the command. Default: the clock always; the
    // others when state(), lists(), mailboxes() return one. A host whose
    // members answer differently from call to call overrides it.
    virtual bool provides(service s) const;
};

// The host with no services and the system clock: what a run without
// run_options::host uses.
SIFT_API const host& default_host();

// A host made of parts the frontend owns (none owned here; each must
// outlive the runs), with a clock that can be frozen: what the CLI and the
// tests use.
//
//     sift::basic_host h;
//     h.freeze(std::chrono::sys_days{2026y / 1 / 1});
//     sift::store::store_config config;
//     config.clock = h.clock();  // expiry follows the frozen clock too
//     auto st = sift::store::open_memory_store(config);  // libsift's; open_store for LMDB, Redis
//     h.set_state(st.get());
class SIFT_API basic_host : public host {
public:
    time_point now() const override;
    store::store* state() const override { return state_; }
    const list_provider* lists() const override { return lists_; }
    const mailbox_host* mailboxes() const override { return mailboxes_; }
    std::optional<double> score(score_test test) const override;
    void log(log_level level, std::string_view message) const override;

    void set_state(store::store* s) { state_ = s; }
    void set_lists(const list_provider* l) { lists_ = l; }
    void set_mailboxes(const mailbox_host* m) { mailboxes_ = m; }
    void set_score(std::function<std::optional<double>(score_test)> f) { score_ = std::move(f); }
    // Each log() call, as "warning: ..." / "error: ...". Not synchronised:
    // give it a sink only when one thread runs at a time.
    void set_log(std::vector<std::string>* sink) { log_ = sink; }

    // now() returns `t` from here on (until thaw()); advance() moves a
    // frozen clock.
    void freeze(time_point t) { frozen_ = t; }
    void advance(std::chrono::seconds d) { frozen_ = now() + d; }
    void thaw() { frozen_.reset(); }
    // now() as a function, for store_config::clock. This host must outlive it.
    std::function<time_point()> clock() const {
        return [this] { return now(); };
    }

private:
    std::optional<time_point> frozen_;
    store::store* state_ = nullptr;
    const list_provider* lists_ = nullptr;
    const mailbox_host* mailboxes_ = nullptr;
    std::function<std::optional<double>(score_test)> score_;
    std::vector<std::string>* log_ = nullptr;
};

}  // namespace sift
