// sift/settings.hpp: per-user settings in the state store.
#include <sift/address.hpp>
#include <sift/lists.hpp>
#include <sift/settings.hpp>

#include <date/tz.h>

#include <algorithm>
#include <ctime>
#include <sstream>

namespace sift {
namespace {

bool known(std::string_view name) {
    return std::find(user_setting_names.begin(), user_setting_names.end(), name) != user_setting_names.end();
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out)
        if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
    return out;
}

std::size_t rank(std::string_view name) {
    return std::size_t(std::find(user_setting_names.begin(), user_setting_names.end(), name) -
                       user_setting_names.begin());
}

}  // namespace

std::string check_setting(std::string_view name, std::string_view value) {
    if (!known(name)) {
        std::string list;
        for (auto n : user_setting_names) list += (list.empty() ? "" : ", ") + std::string(n);
        throw setting_error("unknown setting '" + std::string(name) + "' (the settings are " + list + ")");
    }
    std::string v = lower(value);
    if (name == "spam.threshold" || name == "spam.reject_threshold") {
        auto t = parse_threshold(value);
        if (!t)
            throw setting_error(
                std::string(name) + ": '" + std::string(value) +
                "' is not a threshold (a decimal above 0, at most 10000, three decimals at most)");
        return t->text();
    }
    if (name == "blocked") {
        if (v == "refuse" || v == "spam") return v;
        throw setting_error("blocked: refuse or spam, not '" + std::string(value) + "'");
    }
    if (v == "on" || v == "true" || v == "yes" || v == "1") return "on";
    if (v == "off" || v == "false" || v == "no" || v == "0") return "off";
    throw setting_error(std::string(name) + ": on or off, not '" + std::string(value) + "'");
}

user_defaults overlay(const user_defaults& defaults, const user_settings& user) {
    user_defaults d = defaults;
    for (const auto& [name, value] : user.values) {
        bool on = value == "on";
        if (name == "spam.threshold") {
            if (auto t = parse_threshold(value)) d.spam_threshold = *t;
        } else if (name == "spam.reject_threshold") {
            if (auto t = parse_threshold(value)) d.reject_threshold = *t;
        } else if (name == "filter.spam") {
            d.filter_spam = on;
        } else if (name == "filter.promotions") {
            d.filter_promotions = on;
        } else if (name == "filter.social") {
            d.filter_social = on;
        } else if (name == "blocked") {
            d.blocked = value == "spam" ? blocked_action::spam : blocked_action::refuse;
        } else if (name == "plus.folders") {
            d.plus_folders = on;
        }
    }
    return d;
}

std::string settings_key(std::string_view user, std::string_view delimiters) {
    auto owner = lists::list_user(user, delimiters);
    if (owner.empty()) throw setting_error("'" + std::string(user) + "' is not an address (user@domain)");
    return "settings:" + owner;
}

user_settings load_user_settings(store::store& state, std::string_view user, std::string_view delimiters) {
    user_settings out;
    auto record = state.get(settings_key(user, delimiters));
    if (!record) return out;
    std::istringstream in(*record);
    std::string line;
    while (std::getline(in, line)) {
        auto eq = line.find('=');
        if (eq == std::string::npos) continue;
        auto name = line.substr(0, eq);
        try {
            auto value = check_setting(name, line.substr(eq + 1));
            if (!out.find(name)) out.values.emplace_back(name, value);
        } catch (const setting_error&) {
            // Written by another version, or damaged: the default stands.
        }
    }
    std::sort(out.values.begin(), out.values.end(),
              [](const auto& a, const auto& b) { return rank(a.first) < rank(b.first); });
    return out;
}

void save_user_settings(store::store& state, std::string_view user, const user_settings& settings,
                        std::string_view delimiters) {
    auto key = settings_key(user, delimiters);
    std::string record;
    for (const auto& [name, value] : settings.values)
        record += name + "=" + check_setting(name, value) + "\n";
    if (record.empty())
        state.erase(key);
    else
        state.put(key, record, std::chrono::seconds(0));
}

namespace {

constexpr std::array<std::string_view, 7> weekday_names = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

bool utf8(std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
        auto c = static_cast<unsigned char>(s[i]);
        std::size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        if (!len || i + len > s.size()) return false;
        for (std::size_t k = 1; k < len; ++k)
            if ((static_cast<unsigned char>(s[i + k]) >> 6) != 2) return false;
        i += len;
    }
    return true;
}

// "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM" to "YYYY-MM-DDTHH:MM" (a date alone:
// 00:00, or 23:59 for an end); "" when malformed.
std::string moment(std::string_view t, bool end) {
    auto digits = [&](std::size_t from, std::size_t n) {
        for (std::size_t i = from; i < from + n; ++i)
            if (i >= t.size() || t[i] < '0' || t[i] > '9') return false;
        return true;
    };
    if (!(digits(0, 4) && t.size() >= 10 && t[4] == '-' && digits(5, 2) && t[7] == '-' && digits(8, 2)))
        return "";
    int month = std::stoi(std::string(t.substr(5, 2))), day = std::stoi(std::string(t.substr(8, 2)));
    if (month < 1 || month > 12 || day < 1 || day > 31) return "";
    if (t.size() == 10) return std::string(t) + (end ? "T23:59" : "T00:00");
    if (t.size() != 16 || t[10] != 'T' || !digits(11, 2) || t[13] != ':' || !digits(14, 2)) return "";
    if (std::stoi(std::string(t.substr(11, 2))) > 23 || std::stoi(std::string(t.substr(14, 2))) > 59)
        return "";
    return std::string(t);
}

std::string escape(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '\n')
            out += "\\n";
        else if (c == '\r')
            out += "\\r";
        else
            out += c;
    }
    return out;
}

std::string unescape(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 1 < s.size()) {
            char n = s[++i];
            out += n == 'n' ? '\n' : n == 'r' ? '\r' : n;
        } else {
            out += s[i];
        }
    }
    return out;
}

std::vector<std::string> split(std::string_view s) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= s.size()) {
        auto comma = s.find(',', start);
        auto part = s.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
        if (!part.empty()) out.emplace_back(part);
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    return out;
}

std::string join(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& e : v) out += (out.empty() ? "" : ",") + e;
    return out;
}

std::string vacation_key(std::string_view user, std::string_view delimiters) {
    return "autoreply:" + settings_key(user, delimiters).substr(std::string_view("settings:").size());
}

}  // namespace

void check_vacation(vacation_settings& v) {
    if (v.message.empty()) throw setting_error("vacation: the message is empty");
    if (v.message.size() > vacation_max_message)
        throw setting_error("vacation: the message is longer than " + std::to_string(vacation_max_message) +
                            " bytes");
    if (!utf8(v.message) || !utf8(v.subject))
        throw setting_error("vacation: the message and subject are UTF-8");
    for (unsigned char c : v.subject)
        if (c < 0x20 || c == 0x7f)
            throw setting_error("vacation: the subject is one line without control characters");
    if (!v.from.empty()) {
        auto a = parse_mailbox(v.from);
        if (!a || !a->valid || a->domain.empty())
            throw setting_error("vacation: from '" + v.from + "' is not one address");
    }
    if (!v.zone.empty()) {
        try {
            date::locate_zone(v.zone);
        } catch (const std::runtime_error&) {
            throw setting_error("vacation: '" + v.zone +
                                "' is not a time zone of the tz database (such as Europe/Berlin or UTC)");
        }
    }
    for (auto [t, end] : {std::pair{&v.start, false}, std::pair{&v.end, true}})
        if (!t->empty() && moment(*t, end).empty())
            throw setting_error("vacation: '" + *t + "' is not a local time YYYY-MM-DD or YYYY-MM-DDTHH:MM");
    if (!v.start.empty() && !v.end.empty() && moment(v.end, true) < moment(v.start, false))
        throw setting_error("vacation: the end (" + v.end + ") is before the start (" + v.start + ")");
    for (auto& d : v.weekdays) {
        d = lower(d);
        if (d.size() > 3) d.resize(3);  // "monday" -> "mon"
        if (std::find(weekday_names.begin(), weekday_names.end(), d) == weekday_names.end())
            throw setting_error("vacation: '" + d + "' is not a weekday (mon, tue, wed, thu, fri, sat, sun)");
    }
    for (auto& e : v.exclude) {
        try {
            e = lists::normalize_entry(e);
        } catch (const lists::list_error& err) {
            throw setting_error(std::string("vacation: exclude: ") + err.what());
        }
    }
}

std::optional<vacation_settings> load_vacation(store::store& state, std::string_view user,
                                               std::string_view delimiters) {
    auto record = state.get(vacation_key(user, delimiters));
    if (!record) return std::nullopt;
    vacation_settings v;
    std::istringstream in(*record);
    std::string line;
    while (std::getline(in, line)) {
        auto eq = line.find('=');
        if (eq == std::string::npos) continue;
        auto name = line.substr(0, eq), value = line.substr(eq + 1);
        if (name == "message")
            v.message = unescape(value);
        else if (name == "subject")
            v.subject = unescape(value);
        else if (name == "from")
            v.from = value;
        else if (name == "zone")
            v.zone = value;
        else if (name == "start")
            v.start = value;
        else if (name == "end")
            v.end = value;
        else if (name == "weekdays")
            v.weekdays = split(value);
        else if (name == "exclude")
            v.exclude = split(value);
    }
    try {
        check_vacation(v);
    } catch (const setting_error&) {
        return std::nullopt;  // damaged: no responder rather than a wrong one
    }
    return v;
}

void save_vacation(store::store& state, std::string_view user, vacation_settings v,
                   std::string_view delimiters) {
    check_vacation(v);
    std::string record = "message=" + escape(v.message) + "\n";
    if (!v.subject.empty()) record += "subject=" + escape(v.subject) + "\n";
    if (!v.from.empty()) record += "from=" + v.from + "\n";
    if (!v.zone.empty()) record += "zone=" + v.zone + "\n";
    if (!v.start.empty()) record += "start=" + v.start + "\n";
    if (!v.end.empty()) record += "end=" + v.end + "\n";
    if (!v.weekdays.empty()) record += "weekdays=" + join(v.weekdays) + "\n";
    if (!v.exclude.empty()) record += "exclude=" + join(v.exclude) + "\n";
    state.put(vacation_key(user, delimiters), record, std::chrono::seconds(0));
}

bool erase_vacation(store::store& state, std::string_view user, std::string_view delimiters) {
    return state.erase(vacation_key(user, delimiters));
}

bool vacation_active(const vacation_settings& v, std::chrono::system_clock::time_point now,
                     std::string_view sender) {
    std::string at;
    unsigned weekday = 0;  // 0 Sunday, as tm_wday
    if (v.zone.empty()) {
        std::time_t t = std::chrono::system_clock::to_time_t(now);
        std::tm local{};
        localtime_r(&t, &local);
        char buf[32];
        std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M", &local);
        at = buf;
        weekday = unsigned(local.tm_wday);
    } else {
        // The user's own zone, with its daylight saving time, from the
        // system's tz database (Howard Hinnant's date, what C++20's
        // <chrono> zones are made from; GCC 12 has no std::chrono zones).
        // check_vacation made sure the name is known; a database that lost
        // it since answers "not active" rather than at a wrong hour.
        const date::time_zone* z = nullptr;
        try {
            z = date::locate_zone(v.zone);
        } catch (const std::runtime_error&) {
            return false;
        }
        auto local = z->to_local(std::chrono::time_point_cast<std::chrono::minutes>(now));
        at = date::format("%Y-%m-%dT%H:%M", local);
        weekday = date::weekday(date::floor<date::days>(local)).c_encoding();
    }
    if (!v.start.empty() && at < moment(v.start, false)) return false;
    if (!v.end.empty() && at > moment(v.end, true)) return false;
    if (!v.weekdays.empty() &&
        std::find(v.weekdays.begin(), v.weekdays.end(), weekday_names[weekday]) == v.weekdays.end())
        return false;
    if (!v.exclude.empty()) {
        for (const auto& key : lists::lookup_keys(sender))
            if (std::find(v.exclude.begin(), v.exclude.end(), key) != v.exclude.end()) return false;
    }
    return true;
}

user_defaults settings_for(const config& site, store::store* state, std::string_view recipient) {
    if (!state || lists::list_user(recipient, site.recipient_delimiters).empty()) return site.defaults;
    auto d = overlay(site.defaults, load_user_settings(*state, recipient, site.recipient_delimiters));
    if (auto v = load_vacation(*state, recipient, site.recipient_delimiters))
        d.vacation = std::make_shared<const vacation_settings>(std::move(*v));
    return d;
}

}  // namespace sift
