// sift report spam|ham [--user ADDR] MESSAGE: a provider's "report spam" /
// "not spam" buttons. The sender is the message's From address (the
// first mailbox of its From field: what the user sees and what the
// policy's lists check; the envelope sender is often a bounce address).
//
//   spam  the sender goes on the user's block list (and off their allow list)
//   ham   the sender goes on the user's allow list (and off their block list)
//
// Without --user, the global lists, as `sift list` does. The allow list
// lets a sender skip the spam rules only when the message is authenticated
// for its domain (docs/POLICY.md), so a forged From gains nothing from it.
#include "commands.hpp"
#include "input.hpp"
#include "site.hpp"

#include <sift/address.hpp>
#include <sift/lists.hpp>
#include <sift/message.hpp>

#include <iostream>
#include <memory>

namespace sift::cli {
namespace {

struct report_options {
    std::string kind;
    std::string message;
    std::optional<std::string> user;
    site_options site;
};

int run_report(const report_options& o) {
    if (o.kind != "spam" && o.kind != "ham") throw usage_error("report spam or ham, not '" + o.kind + "'");
    auto site = load_site(o.site);
    auto msg = message::from_raw(read_input(o.message));
    auto from = msg.unfolded_header("from");
    std::optional<std::string> sender;
    if (from) {
        for (const auto& a : parse_address_list(*from, site.recipient_delimiters))
            if (a.valid && !a.domain.empty()) {
                sender = a.all();
                break;
            }
    }
    if (!sender) throw usage_error(input_name(o.message) + ": no From address to report");
    std::string entry;
    try {
        entry = lists::normalize_entry(*sender);
    } catch (const lists::list_error& e) {
        throw usage_error(input_name(o.message) + ": From " + *sender + ": " + e.what());
    }
    std::string user;
    if (o.user) {
        user = lists::list_user(*o.user, site.recipient_delimiters);
        if (user.empty()) throw usage_error("--user " + *o.user + ": not an address (user@domain)");
    }
    auto list = [&](std::string_view kind) {
        if (!o.user) return std::string(kind == "allow" ? lists::global_allow : lists::global_block);
        return lists::user_list(user, kind);
    };
    auto lists = open_site_lists(site, o.site, true);
    bool spam = o.kind == "spam";
    auto to = list(spam ? "block" : "allow"), from_list = list(spam ? "allow" : "block");
    lists->add(to, {entry});
    auto removed = lists->remove(from_list, {entry});
    std::cout << entry << (spam ? " blocked" : " allowed") << " in " << to;
    if (removed) std::cout << " (removed from " << from_list << ")";
    std::cout << "\n";
    return 0;
}

}  // namespace

command add_report(CLI::App& sift) {
    auto o = std::make_shared<report_options>();
    auto* app =
        sift.add_subcommand("report", "Report a message as spam or not spam: block or allow its sender");
    app->add_option("KIND", o->kind, "spam (block the From address) or ham (allow it)")->required();
    app->add_option("MESSAGE", o->message, "the message (RFC 5322); - for stdin")->required();
    app->add_option("--user", o->user, "whose lists (an address; +detail removed); default: the global lists")
        ->type_name("ADDR");
    add_site_options(*app, o->site);
    return {app, [o] { return run_report(*o); }};
}

}  // namespace sift::cli
