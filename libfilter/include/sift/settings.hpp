// Per-user settings: the few keys of the configuration (sift/config.hpp)
// that a user may set for themselves, kept in the state store so that
// every frontend (the sift tool, sift-milter) on every server sharing the
// store sees the same. A user's record holds only what the user set; the
// effective settings are the site's defaults overlaid by it:
//
//     auto mine = sift::settings_for(site, state, "anna+news@domain.xyz");
//     // mine.spam_threshold: the user's, else site.defaults'
//
// The names (`sift settings set --user ADDR NAME VALUE`, the keys'
// paths in the configuration file, and the policy's environment items
// "vnd.sift.<name>", docs/POLICY.md "Settings"):
//
//     spam.threshold         decimal, at or above: the Spam folder (5)
//     spam.reject_threshold  decimal, at or above: refused (15)
//     filter.spam            on|off  the spam rules (on)
//     filter.promotions      on|off  the Promotions folder (on)
//     filter.social          on|off  the Social folder (on)
//     blocked                refuse|spam  a blocked sender's mail (refuse)
//     plus.folders           on|off  user+detail@ filed into folder "detail" (off)
//
// The record is one store entry per user, "settings:<user>" (user: the
// address lower-cased without its +detail, sift::lists::list_user), never
// expiring, its value one "name=value" line per setting the user set
// (docs/STORE.md "Settings"). Defined in libsift-store.
#pragma once

#include <sift/config.hpp>
#include <sift/export.hpp>
#include <sift/store.hpp>

#include <array>
#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sift {

inline constexpr std::array<std::string_view, 7> user_setting_names = {
    "spam.threshold", "spam.reject_threshold", "filter.spam", "filter.promotions", "filter.social",
    "blocked",        "plus.folders"};

// An unknown name or a value that does not fit it; the message says which.
class SIFT_API setting_error : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

// What one user set, canonical ("on"/"off", "4.5", "refuse"), in the order
// of user_setting_names.
struct user_settings {
    std::vector<std::pair<std::string, std::string>> values;
    const std::string* find(std::string_view name) const {
        for (const auto& [n, v] : values)
            if (n == name) return &v;
        return nullptr;
    }
};

// The canonical value of `value` for setting `name`: thresholds as
// decimals (sift::parse_threshold), switches on|off (also true|false,
// yes|no, 1|0), blocked refuse|spam. Throws setting_error.
SIFT_API std::string check_setting(std::string_view name, std::string_view value);

// `defaults` with the user's settings applied. (A reject threshold below
// the spam threshold is not an error here: the policy refuses first. `sift
// settings set` refuses to make such a pair.)
SIFT_API user_defaults overlay(const user_defaults& defaults, const user_settings& user);

// The store entry of a user's record: "settings:<user>", the user as
// lists::list_user makes it. Throws setting_error for a recipient that is
// not an address.
SIFT_API std::string settings_key(std::string_view user, std::string_view delimiters = "+");

// The user's record (empty when none). A line the record holds that this
// version does not know, or whose value no longer fits, is skipped.
// Throws store::store_error.
SIFT_API user_settings load_user_settings(store::store& state, std::string_view user,
                                          std::string_view delimiters = "+");
// Replaces the user's record (an empty one erases it). Throws
// store::store_error, setting_error.
SIFT_API void save_user_settings(store::store& state, std::string_view user, const user_settings& settings,
                                 std::string_view delimiters = "+");

// The user's auto-reply (issue 9, rule 7): one store entry per user,
// "autoreply:<user>", never expiring, one "name=value" line per field
// (the message with \n and \\ escaped; weekdays and exclude
// comma-separated). One responder per address: saving replaces it.
// check_vacation throws setting_error for a message that is empty or too
// long or not UTF-8, a :from that is not one address, a start or end that
// is not YYYY-MM-DD[THH:MM] (or an end before the start), a weekday that
// is not mon..sun, an exclusion that is not an address or @domain.
SIFT_API void check_vacation(vacation_settings& v);  // normalises weekdays and entries
SIFT_API std::optional<vacation_settings> load_vacation(store::store& state, std::string_view user,
                                                        std::string_view delimiters = "+");
SIFT_API void save_vacation(store::store& state, std::string_view user, vacation_settings v,
                            std::string_view delimiters = "+");
SIFT_API bool erase_vacation(store::store& state, std::string_view user, std::string_view delimiters = "+");
// Whether the auto-reply answers `sender` (the envelope sender) at `now`:
// inside start..end and on one of the weekdays (local time), and the
// sender not excluded (the list entry rules, sift/lists.hpp). RFC 3834's
// rules (no reply to lists, bulk, auto-generated mail, the null sender)
// are vacation's own, applied when the reply is made.
SIFT_API bool vacation_active(const vacation_settings& v, std::chrono::system_clock::time_point now,
                              std::string_view sender);

// What one recipient's run uses: site.defaults overlaid by the record of
// the recipient's user in `state` (none when `state` is null or the
// recipient is not an address), with the user's auto-reply. Throws
// store::store_error (a lookup failure: tempfail at the SMTP stage).
SIFT_API user_defaults settings_for(const config& site, store::store* state, std::string_view recipient);

}  // namespace sift
