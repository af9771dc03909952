// sift vacation set|show|reset --user ADDR ...: a user's auto-reply (issue
// 9, rule 7; sift/settings.hpp), kept in the state store, which the
// default policy sends as a `vacation` (docs/POLICY.md "Auto-reply").
//
//   set    --message TEXT | --message-file FILE, and optionally --subject,
//          --from, --zone, --start, --end, --weekdays, --exclude: the responder
//          (one per user: it replaces any other)
//   show   the responder's fields, or "no auto-reply"
//   reset  removes it
#include "commands.hpp"
#include "input.hpp"
#include "site.hpp"

#include <sift/lists.hpp>
#include <sift/settings.hpp>

#include <iostream>
#include <memory>

namespace sift::cli {
namespace {

struct vacation_cli {
    std::string action;
    std::string user;
    std::optional<std::string> message, message_file;
    vacation_settings v;
    std::string weekdays;
    site_options site;
};

int run_vacation(vacation_cli& o) {
    auto site = load_site(o.site);
    auto owner = lists::list_user(o.user, site.recipient_delimiters);
    if (owner.empty()) throw usage_error("--user " + o.user + ": not an address (user@domain)");
    bool setting = o.action == "set";
    if (!setting &&
        (o.message || o.message_file || !o.v.subject.empty() || !o.v.from.empty() || !o.v.zone.empty() ||
         !o.v.start.empty() || !o.v.end.empty() || !o.weekdays.empty() || !o.v.exclude.empty()))
        throw usage_error(o.action + " takes only --user");
    if (o.action == "show") {
        auto state = open_site_store(site, o.site, false);
        auto v = state ? load_vacation(*state, o.user, site.recipient_delimiters) : std::nullopt;
        if (!v) {
            std::cout << "no auto-reply for " << owner << "\n";
            return 0;
        }
        auto line = [](const std::string& name, const std::string& value) {
            if (!value.empty()) std::cout << name << ": " << value << "\n";
        };
        auto joined = [](const std::vector<std::string>& list) {
            std::string out;
            for (const auto& e : list) out += (out.empty() ? "" : ",") + e;
            return out;
        };
        line("subject", v->subject);
        line("from", v->from);
        line("zone", v->zone);
        line("start", v->start);
        line("end", v->end);
        line("weekdays", joined(v->weekdays));
        line("exclude", joined(v->exclude));
        std::cout << "message:\n" << v->message << (v->message.ends_with("\n") ? "" : "\n");
        return 0;
    }
    if (o.action == "reset") {
        auto state = open_site_store(site, o.site, true);
        bool had = erase_vacation(*state, o.user, site.recipient_delimiters);
        std::cout << (had ? "auto-reply removed for " : "no auto-reply for ") << owner << "\n";
        return 0;
    }
    if (!setting) throw usage_error("the action is set, show or reset, not '" + o.action + "'");
    if (o.message.has_value() == o.message_file.has_value())
        throw usage_error("set takes --message TEXT or --message-file FILE");
    o.v.message = o.message ? *o.message : read_input(*o.message_file);
    std::size_t start = 0;
    while (start <= o.weekdays.size() && !o.weekdays.empty()) {
        auto comma = o.weekdays.find(',', start);
        auto day = o.weekdays.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (!day.empty()) o.v.weekdays.push_back(day);
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    try {
        check_vacation(o.v);
    } catch (const setting_error& e) {
        throw usage_error(e.what());
    }
    auto state = open_site_store(site, o.site, true);
    save_vacation(*state, o.user, o.v, site.recipient_delimiters);
    std::cout << "auto-reply set for " << owner << "\n";
    return 0;
}

}  // namespace

command add_vacation(CLI::App& sift) {
    auto o = std::make_shared<vacation_cli>();
    auto* app = sift.add_subcommand("vacation", "Set, show or remove a user's auto-reply in the state store");
    app->add_option("ACTION", o->action, "set, show or reset")->required();
    app->add_option("--user", o->user, "the user (an address; +detail removed)")
        ->type_name("ADDR")
        ->required();
    app->add_option("--message", o->message, "set: the reply's text")->type_name("TEXT");
    app->add_option("--message-file", o->message_file, "set: the reply's text from FILE (- for stdin)")
        ->type_name("FILE");
    app->add_option("--subject", o->v.subject, "set: the reply's subject (default: Auto: <subject>)")
        ->type_name("TEXT");
    app->add_option("--from", o->v.from, "set: the reply's From address (default: the recipient)")
        ->type_name("ADDR");
    app->add_option("--zone", o->v.zone,
                    "set: the user's time zone for --start, --end and --weekdays, an IANA name such as "
                    "Europe/Berlin (default: the server's local time)")
        ->type_name("ZONE");
    app->add_option("--start", o->v.start,
                    "set: first moment, in --zone (else local time): YYYY-MM-DD or YYYY-MM-DDTHH:MM")
        ->type_name("TIME");
    app->add_option("--end", o->v.end, "set: last moment, in --zone (a date alone: to 23:59)")
        ->type_name("TIME");
    app->add_option("--weekdays", o->weekdays, "set: only on these days: mon,tue,wed,thu,fri,sat,sun")
        ->type_name("DAYS");
    app->add_option("--exclude", o->v.exclude,
                    "set: never answer this sender (address, @domain, @.domain; repeatable)")
        ->type_name("ENTRY")
        ->allow_extra_args(false);
    add_site_options(*app, o->site);
    return {app, [o] { return run_vacation(*o); }};
}

}  // namespace sift::cli
