// sift/settings.hpp: per-user settings in the state store.
#include <sift/lists.hpp>
#include <sift/settings.hpp>

#include <algorithm>
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

user_defaults settings_for(const config& site, store::store* state, std::string_view recipient) {
    if (!state || lists::list_user(recipient, site.recipient_delimiters).empty()) return site.defaults;
    return overlay(site.defaults, load_user_settings(*state, recipient, site.recipient_delimiters));
}

}  // namespace sift
