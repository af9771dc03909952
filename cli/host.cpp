#include "host.hpp"

#include "commands.hpp"
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

std::unique_ptr<run_host> open_host(const host_options& o, const config& site, bool site_store) {
    // --store, else the configuration's store (the unconfigured default,
    // when its file does not exist yet, read as an empty one), else memory;
    // --lists, else the configuration's lists.dir, else the store's lists
    // (sift/site.hpp).
    site_open how;
    if (o.store || !site_store) how.store = store_spec(o.store);
    how.lists_dir = o.lists;
    how.absent_default_is_empty = true;
    std::unique_ptr<run_host> h;
    try {
        h = std::make_unique<run_host>(site, how);
    } catch (const std::exception& e) {  // store::store_error, a lists directory that cannot be read
        throw io_error(e.what());
    }
    h->options = h->services.options();
    for (const auto& id : o.authserv_ids) h->options.authres.trusted_authserv_ids.push_back(id);
    return h;
}

std::unique_ptr<run_host> open_host(const host_options& o) {
    static const config defaults;
    return open_host(o, defaults, false);
}

}  // namespace sift::cli
