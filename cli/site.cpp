#include "site.hpp"

#include "commands.hpp"
#include "state_store.hpp"

#include <filesystem>

namespace sift::cli {

namespace fs = std::filesystem;

void add_site_options(CLI::App& command, site_options& o, bool with_store) {
    command
        .add_option("--config", o.config,
                    "the site's configuration (TOML, docs/CONFIG.md); default: the built-in defaults")
        ->type_name("FILE");
    if (with_store)
        command
            .add_option("--store", o.store,
                        "the state store: lmdb:PATH or redis:HOST:PORT (default: the configuration's, "
                        "else LMDB at $SIFT_STATE_DIR/state.mdb or /var/lib/sift/state.mdb)")
            ->type_name("STORE");
}

config load_site(const std::optional<std::string>& config_file) {
    if (config_file) return load_config(*config_file);
    return config{};
}

store::store_config site_store_config(const config& site, const site_options& o) {
    return o.store ? store_spec(o.store) : site.store;
}

bool default_store_absent(const config& site, const site_options& o) {
    if (o.store || site.store_configured || site.store.kind != store::store_kind::lmdb) return false;
    std::error_code ec;
    return !fs::exists(site.store.path, ec);
}

namespace {

store::store_config prepared(const config& site, const site_options& o, bool for_writing) {
    auto c = site_store_config(site, o);
    if (for_writing) {
        if (c.kind == store::store_kind::memory)
            throw usage_error(
                "a memory store keeps nothing: give --store lmdb:PATH or redis:HOST:PORT, "
                "or a [store] in the configuration");
        if (c.kind == store::store_kind::lmdb && !o.store && !site.store_configured) {
            // The default place: made on first use.
            std::error_code ec;
            fs::create_directories(fs::path(c.path).parent_path(), ec);
            if (ec)
                throw io_error("the default state store " + c.path + ": cannot create its directory: " +
                               ec.message() + " (set SIFT_STATE_DIR, or give --store or --config)");
        }
        // Writing a large list takes longer than a lookup may.
        c.command_timeout = std::max(c.command_timeout, std::chrono::milliseconds(30'000));
    }
    return c;
}

}  // namespace

std::unique_ptr<store::store> open_site_store(const config& site, const site_options& o, bool for_writing) {
    if (!for_writing && default_store_absent(site, o)) return nullptr;
    return store::open_store(prepared(site, o, for_writing));
}

std::unique_ptr<lists::list_store> open_site_lists(const config& site, const site_options& o,
                                                   bool for_writing) {
    if (!for_writing && default_store_absent(site, o)) return nullptr;
    auto c = prepared(site, o, for_writing);
    if (c.kind == store::store_kind::memory) return nullptr;
    return lists::open_list_store(c);
}

}  // namespace sift::cli
