// sift list add|remove|show|import [--user ADDR] [--store STORE] [--config
// FILE] allow|block ENTRY...|FILE: the allow and block lists that extlists
// scripts look up (sift/lists.hpp, docs/STORE.md "Lists"), in an LMDB file
// or on a Redis server: --store's, else the configuration's store (by
// default LMDB at sift::default_state_path(), created on first change). Global lists by default; --user ADDR
// names that user's (its +detail removed), the lists a script reaches as tag:sift,2026:user/allow and
// tag:sift,2026:user/block when ADDR is the envelope recipient.
//
//   add     ENTRY...  adds the entries; says how many were new
//   remove  ENTRY...  removes them; says how many were there
//   show              the entries, canonical, one per line, in byte order
//   import  FILE      the list becomes FILE's entries (one per line, blank
//                     lines and '#' comments skipped; - is stdin), swapped
//                     in atomically
//
// Every entry is checked before anything changes: a bad one (FILE:LINE for
// import) is a usage error, exit 2, and the list is left as it was.
#include "commands.hpp"
#include "input.hpp"
#include "site.hpp"

#include <sift/lists.hpp>

#include <iostream>
#include <memory>
#include <sstream>

namespace sift::cli {
namespace {

struct list_options {
    std::string action;
    std::string kind;
    std::vector<std::string> args;
    std::optional<std::string> user;
    site_options site;  // --config, --store
};

std::string list_name(const list_options& o) {
    if (o.kind != "allow" && o.kind != "block")
        throw usage_error("the list is allow or block, not '" + o.kind + "'");
    if (!o.user) return std::string(o.kind == "allow" ? lists::global_allow : lists::global_block);
    try {
        return lists::user_list(lists::list_user(*o.user), o.kind);
    } catch (const lists::list_error&) {
        throw usage_error("--user " + *o.user + ": not an address (user@domain)");
    }
}

// FILE's entries; every bad line is reported, then a usage error.
std::vector<std::string> read_entries(const std::string& path) {
    std::istringstream in(read_input(path));
    std::vector<std::string> entries, problems;
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
        auto start = line.find_first_not_of(" \t\r");
        if (start == std::string::npos || line[start] == '#') continue;
        try {
            entries.push_back(lists::normalize_entry(line));
        } catch (const lists::list_error& e) {
            problems.push_back(input_name(path) + ":" + std::to_string(number) + ": " + e.what());
        }
    }
    if (!problems.empty()) {
        for (std::size_t i = 0; i + 1 < problems.size(); ++i)
            std::cerr << "sift list: " << problems[i] << "\n";
        throw usage_error(problems.back() + (problems.size() > 1 ? " (" + std::to_string(problems.size()) +
                                                                       " bad entries; nothing imported)"
                                                                 : " (nothing imported)"));
    }
    return entries;
}

int run_list(const list_options& o) {
    auto site = load_site(o.site);
    if (site_store_config(site, o.site).kind == store::store_kind::memory)
        throw usage_error("a memory store keeps nothing: give --store lmdb:PATH or redis:HOST:PORT");
    // `show` on the default store before anything was written to it: empty.
    auto open = [&] { return open_site_lists(site, o.site, o.action != "show"); };
    auto name = list_name(o);
    auto want_args = [&](bool want) {
        if (want && o.args.empty()) throw usage_error(o.action + " needs at least one entry");
        if (!want && !o.args.empty()) throw usage_error("show takes no entries");
    };
    // Entries from the command line, all checked first.
    auto checked = [&] {
        std::vector<std::string> out;
        for (const auto& a : o.args) {
            try {
                out.push_back(lists::normalize_entry(a));
            } catch (const lists::list_error& e) {
                throw usage_error(e.what());
            }
        }
        return out;
    };
    if (o.action == "add") {
        want_args(true);
        auto entries = checked();
        auto added = open()->add(name, entries);
        std::cout << "added " << added << " of " << entries.size() << " to " << name << "\n";
    } else if (o.action == "remove") {
        want_args(true);
        auto entries = checked();
        auto removed = open()->remove(name, entries);
        std::cout << "removed " << removed << " of " << entries.size() << " from " << name << "\n";
    } else if (o.action == "show") {
        want_args(false);
        if (auto l = open())
            for (const auto& e : l->members(name)) std::cout << e << "\n";
    } else if (o.action == "import") {
        if (o.args.size() != 1) throw usage_error("import takes one FILE (- for stdin)");
        auto entries = read_entries(o.args[0]);
        auto l = open();
        l->replace(name, entries);
        std::cout << "imported " << l->members(name).size() << " entries into " << name << "\n";
    } else {
        throw usage_error("the action is add, remove, show or import, not '" + o.action + "'");
    }
    return 0;
}

}  // namespace

command add_list(CLI::App& sift) {
    auto o = std::make_shared<list_options>();
    auto* app = sift.add_subcommand("list", "Change or show the allow and block lists in a store");
    app->add_option("ACTION", o->action, "add, remove, show or import")->required();
    app->add_option("LIST", o->kind, "allow or block")->required();
    app->add_option("ENTRY", o->args,
                    "add/remove: addresses (anna@example.com) or domains (@example.com, @.example.com: with "
                    "subdomains); import: a FILE of them, one per line (- for stdin)");
    app->add_option("--user", o->user, "the lists of this user (an envelope recipient; +detail removed)")
        ->type_name("ADDR");
    add_site_options(*app, o->site);
    return {app, [o] { return run_list(*o); }};
}

}  // namespace sift::cli
