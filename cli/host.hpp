// What `sift run` and `sift filter` give a script besides the message: the
// envelope (--from, --to), the host services (--store, --lists) and the
// settings of extensions (--authserv-id).
#pragma once

#include <CLI/CLI.hpp>
#include <sift/config.hpp>
#include <sift/script.hpp>
#include <sift/site.hpp>
#include <sift/store.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sift::cli {

struct host_options {
    std::optional<std::string> from, to;    // envelope; defaults in envelope_defaults.hpp
    std::optional<std::string> config;      // --config FILE (site.hpp)
    std::optional<std::string> store;       // vacation, duplicate: memory unless given
    std::optional<std::string> lists;       // extlists: a directory, one file per list
    std::vector<std::string> authserv_ids;  // vnd.sift.authres: the trusted Authentication-Results
};

void add_host_options(CLI::App& command, host_options& o);

// The host of a run (sift/host.hpp) with the services it owns, opened once
// and shared by every message.
struct run_host {
    explicit run_host(const config& site, const site_open& how) : services(site, how) {}
    site_services services;
    run_options options;  // options.host is &services.host()
};

// Throws usage_error for a malformed --store, io_error when the store or
// the lists cannot be opened. `site` gives the run options (limits,
// quotas, trusted authserv-ids, to which --authserv-id adds); with
// `site_store` (sift run --policy or --config) the store and lists are
// the configuration's when --store and --lists do not say otherwise (the
// unconfigured default store, when its file does not exist yet, is read
// as an empty one: a memory store and no lists), without it memory.
std::unique_ptr<run_host> open_host(const host_options& o, const config& site, bool site_store);
// The built-in defaults, memory unless --store: open_host(o, config{}, false).
std::unique_ptr<run_host> open_host(const host_options& o);

}  // namespace sift::cli
