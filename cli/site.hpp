// `--config FILE` and `--store STORE` for the commands that read the site's
// configuration (sift/config.hpp) and the state store it names: run, list,
// settings, report, config. Without --config, the built-in defaults
// (docs/CONFIG.md); without --store, the configuration's store, by default
// LMDB at sift::default_state_path() ($SIFT_STATE_DIR/state.mdb, else
// /var/lib/sift/state.mdb).
#pragma once

#include <CLI/CLI.hpp>
#include <sift/config.hpp>
#include <sift/lists.hpp>
#include <sift/store.hpp>

#include <memory>
#include <optional>
#include <string>

namespace sift::cli {

struct site_options {
    std::optional<std::string> config;  // --config FILE
    std::optional<std::string> store;   // --store STORE, over the configuration's
};

// Adds --config (and, unless the command has its own, --store).
void add_site_options(CLI::App& command, site_options& o, bool with_store = true);

// The configuration --config names, or the defaults. A bad file is a
// config_error (main prints "FILE:LINE:COLUMN: error: ...", exit 2).
config load_site(const std::optional<std::string>& config_file);
inline config load_site(const site_options& o) {
    return load_site(o.config);
}

// Where the store is: --store, else the configuration's.
store::store_config site_store_config(const config& site, const site_options& o);

// True when the store is the unconfigured default and its file does not
// exist yet: reading it is reading an empty store.
bool default_store_absent(const config& site, const site_options& o);

// The store, opened for changing (`for_writing`: the default's directory
// is created; a memory store, which keeps nothing, is a usage error) or
// for reading (nullptr when default_store_absent).
std::unique_ptr<store::store> open_site_store(const config& site, const site_options& o, bool for_writing);
// The lists kept in that store, likewise.
std::unique_ptr<lists::list_store> open_site_lists(const config& site, const site_options& o,
                                                   bool for_writing);

}  // namespace sift::cli
