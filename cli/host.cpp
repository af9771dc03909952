#include "host.hpp"

#include "commands.hpp"
#include "state_store.hpp"

namespace sift::cli {

void add_host_options(CLI::App& command, host_options& o) {
    command
        .add_option("--from", o.from, "envelope sender (default: the Return-Path, else sender@example.com)")
        ->type_name("ADDR");
    command.add_option("--to", o.to, "envelope recipient (default recipient@example.com)")->type_name("ADDR");
    command
        .add_option("--store", o.store,
                    "where vacation and duplicate remember, and the allow and block lists (sift list) are: "
                    "memory (default), lmdb:PATH, redis:HOST:PORT")
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

std::unique_ptr<run_host> open_host(const host_options& o) {
    auto h = std::make_unique<run_host>();
    try {
        h->state = open_state_store(o.store);
        // The lists: --lists DIR, else those of an LMDB or Redis --store.
        h->lists = o.lists ? file_list_provider(*o.lists) : open_store_lists(o.store);
        if (!h->lists) h->lists = std::make_unique<no_lists>();
    } catch (const usage_error&) {
        throw;
    } catch (const std::exception& e) {  // store::store_error, a lists directory that cannot be read
        throw io_error(e.what());
    }
    h->services.set_state(h->state.get());
    h->services.set_lists(h->lists.get());
    h->options.host = &h->services;
    h->options.authres.trusted_authserv_ids = o.authserv_ids;
    return h;
}

}  // namespace sift::cli
