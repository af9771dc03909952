// The site's configuration: one TOML file (docs/CONFIG.md documents every
// key and its default), read with toml++. Every setting has a default, so
// no file at all is a complete configuration:
//
//     sift::config c = sift::load_config("/etc/sift/sift.toml");  // or sift::config{}
//
// A bad file is refused whole, never half-applied: load_config throws
// config_error, whose what() is "FILE:LINE:COLUMN: error: KEY: why" (a
// TOML syntax error, an unknown key, a value of the wrong type or out of
// range, a threshold below another). format_config prints the effective
// configuration as a file that load_config reads back to the same values
// (`sift config show`).
//
// The per-user settings (sift/settings.hpp) are a few of these keys, which
// a user's record in the state store overrides: their names are the keys'
// paths ("spam.threshold") and the policy's scripts read them as the
// environment items "vnd.sift.<name>" (docs/POLICY.md "Settings").
// Defined in libsift-store.
#pragma once

#include <sift/export.hpp>
#include <sift/options.hpp>
#include <sift/store.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace sift {

// What becomes of mail from a blocked sender (setting "blocked").
enum class blocked_action { refuse, spam };
// What becomes of a message or attachment that could not be inspected
// (setting "uninspectable"; site-wide).
enum class uninspectable_action { refuse, spam, accept };

// A score threshold: a decimal with up to three digits after the point,
// kept exactly as thousandths (as vnd.sift.score keeps weights).
struct SIFT_API threshold {
    std::int64_t thousandths = 0;
    double value() const { return static_cast<double>(thousandths) / 1000; }
    // "5", "4.5", "12.125": what the scripts compare the score with.
    std::string text() const;
    friend bool operator==(const threshold&, const threshold&) = default;
};

// A user's auto-reply (sift vacation, sift/settings.hpp): never a site
// default, only ever a user's own record.
struct vacation_settings {
    std::string message;  // the reply's text (at most vacation_max_message bytes)
    std::string subject;  // "": vacation's default ("Auto: <subject>")
    std::string from;     // "": the reply comes from the recipient
    // The user's time zone, an IANA name ("Europe/Berlin", "UTC") from
    // the system's tz database; "": the server's local time.
    std::string zone;
    // Time in `zone`, "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM"; "": no bound. A
    // date alone starts at 00:00 and ends at 23:59 of that day.
    std::string start, end;
    std::vector<std::string> weekdays;  // "mon" ... "sun" in `zone`; empty: every day
    std::vector<std::string> exclude;   // senders never answered: addresses, @domain, @.domain
};
// The longest message a reply may have: the policy hands it to Sieve as a
// variable, which RFC 5229 lets the site bound (eval_limits::
// max_variable_size, 4096).
inline constexpr std::size_t vacation_max_message = 4000;

// The settings a user may override in the state store (sift/settings.hpp);
// the configuration holds their site-wide defaults.
struct user_defaults {
    threshold spam_threshold{5000};                   // spam.threshold: at or above, to the Spam folder
    threshold reject_threshold{15000};                // spam.reject_threshold: at or above, refused
    bool filter_spam = true;                          // filter.spam: the spam rules
    bool filter_promotions = true;                    // filter.promotions: the Promotions folder
    bool filter_social = true;                        // filter.social: the Social folder
    blocked_action blocked = blocked_action::refuse;  // blocked
    bool plus_folders = false;                        // plus.folders: user+detail to folder "detail"
    // The user's auto-reply (sift vacation), when one is set (null: none);
    // never from the configuration.
    std::shared_ptr<const vacation_settings> vacation{};
};

// LMDB at default_state_path(): the store when nothing says otherwise.
SIFT_API store::store_config default_store_config();

struct config {
    // The file this came from ("" for the built-in defaults).
    std::string source;

    user_defaults defaults;
    uninspectable_action uninspectable = uninspectable_action::refuse;
    // folder.spam, folder.promotions, folder.social.
    std::string spam_folder = "Spam", promotions_folder = "Promotions", social_folder = "Social";

    // policy.dir: the policy directory ("default": the bundled one).
    std::string policy_dir = "default";
    // authres.trusted_authserv_ids (run_options::authres).
    std::vector<std::string> trusted_authserv_ids;
    // plus.delimiters (eval_limits::recipient_delimiters).
    std::string recipient_delimiters = "+";

    // store.*: the state store (vacation, duplicate, lists, per-user
    // settings). By default LMDB at default_state_path().
    store::store_config store = default_store_config();
    // Whether the file has a [store] table: a frontend may treat the
    // default store, when its file does not exist yet, as an empty one
    // (sift run), while a configured one must open.
    bool store_configured = false;
    // lists.dir: a directory of list files instead of the store's lists.
    std::optional<std::string> lists_dir;

    // attachments.*, limits.*.
    attachment_options attachments;
    eval_limits limits;
    message_limits message;
};

// What is wrong with a configuration: file, line and column of the key or
// value, the key's path, and why. what() is "file:line:column: error:
// key: message".
class SIFT_API config_error : public std::runtime_error {
public:
    config_error(std::string file, unsigned line, unsigned column, std::string key, std::string message);
    const std::string& file() const { return file_; }
    unsigned line() const { return line_; }
    unsigned column() const { return column_; }
    const std::string& key() const { return key_; }

private:
    std::string file_;
    unsigned line_, column_;
    std::string key_;
};

// Reads and checks a configuration file. Throws config_error (a file that
// cannot be read is "FILE:0:0: error: ...").
SIFT_API config load_config(const std::string& path);
// The same from text; `name` names it in errors.
SIFT_API config parse_config(std::string_view text, const std::string& name = "config.toml");

// The effective configuration, every key with its value, as TOML.
SIFT_API std::string format_config(const config& c);

// Where the embedded store lives when nothing says otherwise: the
// directory $SIFT_STATE_DIR, else /var/lib/sift ...
SIFT_API std::string default_state_dir();
// ... and the LMDB file in it: <default_state_dir()>/state.mdb.
SIFT_API std::string default_state_path();

// Parses a decimal threshold ("5", "4.5"; 0 < t <= 10000, at most three
// decimals); nullopt when it is not one.
SIFT_API std::optional<threshold> parse_threshold(std::string_view text);

// The run options the configuration gives (limits, attachment quotas,
// trusted authserv-ids, recipient delimiters, the spam threshold
// spamtest reads); run_options::host is left null.
SIFT_API run_options run_options_from(const config& site);

SIFT_API std::string_view name(blocked_action a);
SIFT_API std::string_view name(uninspectable_action a);

}  // namespace sift
