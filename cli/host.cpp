#include "host.hpp"

#include "commands.hpp"
#include "site.hpp"
#include "state_store.hpp"

namespace sift::cli {

void add_host_options(CLI::App& command, host_options& o) {
    command
        .add_option("--config", o.config,
                    "the site's configuration (TOML, docs/CONFIG.md): its policy, store, lists, limits and "
                    "settings; default: the built-in defaults")
        ->type_name("FILE");
    command
        .add_option("--from", o.from, "envelope sender (default: the Return-Path, else sender@example.com)")
        ->type_name("ADDR");
    command.add_option("--to", o.to, "envelope recipient (default recipient@example.com)")->type_name("ADDR");
    command
        .add_option("--store", o.store,
                    "where vacation and duplicate remember, and the allow and block lists (sift list) are: "
                    "memory, lmdb:PATH, redis:HOST:PORT (default: memory; with --policy or --config the "
                    "configuration's store, docs/CONFIG.md)")
        ->type_name("STORE");
    command
        .add_option("--lists", o.lists,
                    "extlists: a directory with one file per list (instead of --store's lists)")
        ->type_name("DIR");
    command
        .add_option(
            "--authserv-id", o.authserv_ids,
            "vnd.sift.authres: believe Authentication-Results written by ID (repeatable; default none)")
        ->type_name("ID")
        ->allow_extra_args(false);  // one ID per --authserv-id: SCRIPT and MESSAGE follow
}

namespace {

// What a memory store has: no lists at all. `:list` matches none of them
// and valid_ext_list says none exists (RFC 6134 §2.5), so a script that
// consults lists — the default policy's allow and block lists — runs the
// same with no list configured as with empty ones.
struct no_lists final : list_provider {
    bool valid(std::string_view) const override { return false; }
    bool contains(std::string_view, std::string_view) const override { return false; }
    std::vector<std::string> members(std::string_view) const override { return {}; }
};

}  // namespace

std::unique_ptr<run_host> open_host(const host_options& o, const config& site, bool site_store) {
    auto h = std::make_unique<run_host>();
    try {
        site_options where{o.config, o.store};
        if (o.store || !site_store) {
            h->state = open_state_store(o.store);
        } else {
            h->state = open_site_store(site, where, false);
            if (!h->state) h->state = store::open_memory_store();  // the default, not made yet: empty
        }
        // The lists: --lists DIR, else the configuration's lists.dir, else
        // those of an LMDB or Redis store.
        if (o.lists)
            h->lists = file_list_provider(*o.lists);
        else if (site_store && site.lists_dir)
            h->lists = file_list_provider(*site.lists_dir);
        else if (o.store || !site_store)
            h->lists = open_store_lists(o.store);
        else
            h->lists = open_site_lists(site, where, false);
        if (!h->lists) h->lists = std::make_unique<no_lists>();
    } catch (const usage_error&) {
        throw;
    } catch (const std::exception& e) {  // store::store_error, a lists directory that cannot be read
        throw io_error(e.what());
    }
    h->services.set_state(h->state.get());
    h->services.set_lists(h->lists.get());
    h->options = run_options_from(site);
    h->options.host = &h->services;
    for (const auto& id : o.authserv_ids) h->options.authres.trusted_authserv_ids.push_back(id);
    return h;
}

std::unique_ptr<run_host> open_host(const host_options& o) {
    static const config defaults;
    return open_host(o, defaults, false);
}

}  // namespace sift::cli
