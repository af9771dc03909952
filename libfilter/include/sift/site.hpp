// A site's services for running its policy: the state store and the lists
// its configuration (sift/config.hpp) names, opened once and shared by
// every message and recipient, in one host. This is what the sift tool and
// sift-milter run the policy with; an embedder does the same in a few lines:
//
//     sift::config site = sift::load_config("/etc/sift/sift.toml");
//     sift::site_services services(site);          // throws store::store_error
//     sift::policy p = sift::policy::load(site.policy_dir);
//     sift::run_options options = services.options();
//     sift::result r = p.run(sift::session{}, msg, env, options, nullptr, site,
//                            sift::settings_for(site, services.state(), env.to));
//
// Without it a host has no list service, and the default policy's block and
// allow lists (extlists) fail the run. Defined in libsift-store.
#pragma once

#include <sift/config.hpp>
#include <sift/export.hpp>
#include <sift/host.hpp>
#include <sift/options.hpp>
#include <sift/store.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace sift {

// A store named as the tools' --store takes it: "memory", "lmdb:PATH",
// "redis:HOST" or "redis:HOST:PORT" (port 1-65535). Throws
// std::invalid_argument whose what() says what is wrong with `spec`.
SIFT_API store::store_config parse_store(std::string_view spec);

// A list service in which no list exists: every list a script names is
// not valid and contains nothing, so the default policy's allow and block
// lists match nothing (what a site without a lists store has). Defined in
// libsift, whose extlists knows it and answers :list without asking it.
SIFT_API std::unique_ptr<list_provider> no_list_provider();

// What to open instead of the configuration's own choices.
struct site_open {
    // The state store instead of site.store (a --store option).
    std::optional<store::store_config> store;
    // A directory of list files (sift/host.hpp file_list_provider) instead
    // of site.lists_dir and of the store's lists.
    std::optional<std::string> lists_dir;
    // The unconfigured default LMDB store (site.store_configured false),
    // when its file does not exist yet, reads as an empty memory store
    // instead of being made: for tools that only read (sift run).
    bool absent_default_is_empty = false;
};

class SIFT_API site_services {
public:
    // Opens the store (how.store, else site.store) and the lists: how.lists_dir,
    // else site.lists_dir, else those of an LMDB or Redis store, else none
    // (no_list_provider). Throws store::store_error when the store cannot be
    // opened, std::runtime_error when a lists directory cannot be read.
    explicit site_services(const config& site, const site_open& how = {});
    site_services(const site_services&) = delete;
    site_services& operator=(const site_services&) = delete;
    ~site_services();

    // The host: system clock, the store, the lists. Not const, so that a
    // frontend can add what it owns (a mail store, a frozen clock).
    basic_host& host() { return host_; }
    const basic_host& host() const { return host_; }
    store::store* state() const { return state_.get(); }
    const list_provider& lists() const { return *lists_; }
    // run_options_from(site) with options.host = &host().
    const run_options& options() const { return options_; }

private:
    run_options options_;
    std::unique_ptr<store::store> state_;
    std::unique_ptr<list_provider> lists_;
    basic_host host_;
};

}  // namespace sift
