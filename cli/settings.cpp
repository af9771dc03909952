// sift settings show|set|reset --user ADDR [NAME [VALUE]]: a user's own
// settings (sift/settings.hpp) in the state store: what the policy reads
// for them as vnd.sift.* environment items (docs/POLICY.md "Settings").
//
//   show              every setting: its effective value, and whether the
//                     user set it or it is the site's default
//   set NAME VALUE    the user's value for NAME (checked first)
//   reset [NAME]      NAME back to the site's default; without NAME, all
#include "commands.hpp"
#include "site.hpp"

#include <sift/settings.hpp>

#include <iostream>
#include <memory>

namespace sift::cli {
namespace {

struct settings_options {
    std::string action;
    std::vector<std::string> args;
    std::string user;
    site_options site;
};

std::string value_of(const user_defaults& d, std::string_view name) {
    auto on = [](bool b) { return std::string(b ? "on" : "off"); };
    if (name == "spam.threshold") return d.spam_threshold.text();
    if (name == "spam.reject_threshold") return d.reject_threshold.text();
    if (name == "filter.spam") return on(d.filter_spam);
    if (name == "filter.promotions") return on(d.filter_promotions);
    if (name == "filter.social") return on(d.filter_social);
    if (name == "blocked") return std::string(sift::name(d.blocked));
    return on(d.plus_folders);
}

int run_settings(const settings_options& o) {
    auto site = load_site(o.site);
    auto state = open_site_store(site, o.site, /*for_writing=*/o.action != "show");
    try {
        (void)settings_key(o.user, site.recipient_delimiters);
    } catch (const setting_error&) {
        throw usage_error("--user " + o.user + ": not an address (user@domain)");
    }
    auto mine = state ? load_user_settings(*state, o.user, site.recipient_delimiters) : user_settings{};
    if (o.action == "show") {
        if (!o.args.empty()) throw usage_error("show takes no arguments");
        auto effective = overlay(site.defaults, mine);
        for (auto n : user_setting_names)
            std::cout << n << " = " << value_of(effective, n) << (mine.find(n) ? "" : "  (default)") << "\n";
        return 0;
    }
    if (o.action == "set") {
        if (o.args.size() != 2) throw usage_error("set takes NAME VALUE");
        std::string value;
        try {
            value = check_setting(o.args[0], o.args[1]);
        } catch (const setting_error& e) {
            throw usage_error(e.what());
        }
        bool replaced = false;
        for (auto& [n, v] : mine.values)
            if (n == o.args[0]) v = value, replaced = true;
        if (!replaced) mine.values.emplace_back(o.args[0], value);
        auto effective = overlay(site.defaults, mine);
        if (effective.reject_threshold.thousandths < effective.spam_threshold.thousandths)
            throw usage_error("spam.reject_threshold (" + effective.reject_threshold.text() +
                              ") would be below spam.threshold (" + effective.spam_threshold.text() + ")");
        save_user_settings(*state, o.user, mine, site.recipient_delimiters);
        std::cout << o.args[0] << " = " << value << " for "
                  << lists::list_user(o.user, site.recipient_delimiters) << "\n";
        return 0;
    }
    if (o.action == "reset") {
        if (o.args.size() > 1) throw usage_error("reset takes at most one NAME");
        if (o.args.size() == 1) {
            try {
                (void)check_setting(o.args[0], "on");
            } catch (const setting_error& e) {
                if (std::string(e.what()).starts_with("unknown")) throw usage_error(e.what());
            }
            std::erase_if(mine.values, [&](const auto& p) { return p.first == o.args[0]; });
        } else {
            mine.values.clear();
        }
        save_user_settings(*state, o.user, mine, site.recipient_delimiters);
        std::cout << (o.args.empty() ? "every setting" : o.args[0]) << " back to the default for "
                  << lists::list_user(o.user, site.recipient_delimiters) << "\n";
        return 0;
    }
    throw usage_error("the action is show, set or reset, not '" + o.action + "'");
}

}  // namespace

command add_settings(CLI::App& sift) {
    auto o = std::make_shared<settings_options>();
    auto* app = sift.add_subcommand("settings", "Show or change a user's own settings in the state store");
    app->add_option("ACTION", o->action, "show, set or reset")->required();
    app->add_option("ARGS", o->args, "set: NAME VALUE; reset: [NAME]");
    app->add_option("--user", o->user, "the user (an address; +detail removed)")
        ->type_name("ADDR")
        ->required();
    add_site_options(*app, o->site);
    return {app, [o] { return run_settings(*o); }};
}

}  // namespace sift::cli
