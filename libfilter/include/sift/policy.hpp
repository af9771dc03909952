// A provider's policy: the "before" and "after" scripts that run around
// each user's own script (docs/POLICY.md), loaded once and shared by every
// message and recipient, as the sift tool's `--policy` and sift-milter
// use it:
//
//     sift::policy p = sift::policy::load("default");   // or a directory
//     if (!p.ok()) { std::cerr << sift::format(p.errors()); return 1; }
//     sift::result r = p.run(session, msg, env, options, user_script);
//
// DIR/before.sieve runs first and DIR/after.sieve last, each when present
// (one of them must be); the user's script, if any, between them, as one
// sift::sequence (sift/sequence.hpp: Pigeonhole's sieve_before and
// sieve_after semantics). A script in the directory may be Sieve source or
// Sift bytecode (told apart by its magic bytes); `include :personal` finds
// scripts in the policy's directory, `include :global` in
// policy_options::global_dir. Defined in libsift-store.
#pragma once

#include <sift/config.hpp>
#include <sift/diagnostic.hpp>
#include <sift/export.hpp>
#include <sift/options.hpp>
#include <sift/result.hpp>
#include <sift/script.hpp>
#include <sift/sequence.hpp>
#include <sift/session.hpp>

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sift {

// The bundled default policy's directory (policy/default in the source):
// share/sift/policy/default beside the running program
// (<exe>/../share/sift/policy/default), else the one of the prefix the
// library was installed to, else the source tree's (a build that was not
// installed).
SIFT_API std::string default_policy_dir();

// A policy directory that is not one: missing, unreadable, or with neither
// before.sieve nor after.sieve. The message names the directory.
class SIFT_API policy_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct policy_options {
    // Where `include :global` (RFC 6609) finds scripts; empty: nowhere.
    std::string global_dir{};
    compile_limits limits{};
};

class SIFT_API policy {
public:
    policy() = default;  // no scripts: run() is the user's script alone

    // Loads DIR/before.sieve and DIR/after.sieve; "default" is
    // default_policy_dir(). The scripts are named for diagnostics and
    // result::scripts by the directory's last component and the file:
    // "default/before.sieve". Throws policy_error (see above); a script
    // that does not compile is not an exception: ok() is false and
    // errors() says why.
    static policy load(std::string_view dir_or_default, const policy_options& options = {});

    // The directory the scripts came from.
    const std::string& dir() const { return dir_; }
    // nullptr when the directory has no such file.
    const script* before() const { return before_ ? &*before_ : nullptr; }
    const script* after() const { return after_ ? &*after_ : nullptr; }

    // Both present scripts compiled; otherwise errors() has theirs.
    bool ok() const;
    std::vector<diagnostic> errors() const;

    // before, `user` (when given), after. Throws std::invalid_argument when
    // one of them did not compile (check ok() and user->ok() first).
    sequence around(const script* user = nullptr) const;

    // around(user).run(...).
    result run(const session& client, const message& msg, const envelope& env, const run_options& options,
               const script* user = nullptr) const;
    // The same for one recipient with its settings (settings_for,
    // sift/settings.hpp): the session's items are preceded by
    // policy_items(site, settings, env.to), so the scripts read them, and
    // options.score.spam_threshold is settings.spam_threshold (spamtest),
    // the auto-reply's vacation_items at the host's now(), and the
    // recipient without its +detail is one of vacation's user_addresses.
    result run(const session& client, const message& msg, const envelope& env, const run_options& options,
               const script* user, const config& site, const user_defaults& settings) const;

private:
    std::string dir_;
    std::optional<script> before_, after_;
};

// The environment items (RFC 5183 §4.1 lets an implementation add its own,
// "vnd.<vendor>.<name>") that carry one recipient's settings to the
// policy's scripts, each a string (docs/POLICY.md "Settings"):
//
//     vnd.sift.spam.threshold         "5"     settings.spam_threshold
//     vnd.sift.spam.reject_threshold  "15"    settings.reject_threshold
//     vnd.sift.filter.spam            "on"    on|off
//     vnd.sift.filter.promotions      "on"    on|off
//     vnd.sift.filter.social          "on"    on|off
//     vnd.sift.blocked                "refuse" refuse|spam
//     vnd.sift.plus.folders           "off"   on|off
//     vnd.sift.uninspectable          "refuse" refuse|spam|accept (site)
//     vnd.sift.folder.spam            "Spam"  (site)
//     vnd.sift.folder.promotions      "Promotions" (site)
//     vnd.sift.folder.social          "Social" (site)
//     vnd.sift.user                   the recipient's user (lists::list_user),
//                                     absent when it is not an address
//     vnd.sift.plus.folder            plus_folder(detail) of the recipient,
//                                     only when plus.folders is on and that
//                                     is not empty
//
// A script reads one with `environment :matches "vnd.sift.spam.threshold"
// "*"` and uses `${1}`; a run without them (the items absent) keeps the
// script's own defaults.
SIFT_API std::vector<std::pair<std::string, std::string>> policy_items(const config& site,
                                                                       const user_defaults& settings,
                                                                       std::string_view recipient);

// The auto-reply's items (sift vacation, sift/settings.hpp), when the
// user has one that answers env.from at `now` (vacation_active):
//     vnd.sift.vacation          "on"
//     vnd.sift.vacation.message  the reply's text
//     vnd.sift.vacation.subject  its subject, when one is set
//     vnd.sift.vacation.from     its From, when one is set
// policy::run adds them unless the user's own script requires vacation,
// reject or ereject: one responder per address (the user's own script's
// wins), and no reply beside a refusal (RFC 5230 §4.7, a runtime error).
SIFT_API std::vector<std::pair<std::string, std::string>> vacation_items(
    const user_defaults& settings, const envelope& env, std::chrono::system_clock::time_point now);

// A +detail made into a folder name that is safe to create: control
// characters and bytes that are not UTF-8 dropped; '/' and '\' (hierarchy
// and path separators) and the IMAP wildcards '*' and '%' become '_'; runs
// of dots become one dot, so ".." never appears; leading and trailing dots
// and spaces dropped; cut to plus_folder_max_bytes at a character
// boundary. "" when nothing is left.
inline constexpr std::size_t plus_folder_max_bytes = 64;
SIFT_API std::string plus_folder(std::string_view detail);

}  // namespace sift
