#include "state_store.hpp"

#include "commands.hpp"

namespace sift::cli {

store::store_config store_spec(const std::optional<std::string>& spec) {
    store::store_config config;
    std::string s = spec.value_or("memory");
    if (s == "memory") {
        config.kind = store::store_kind::memory;
    } else if (s.starts_with("lmdb:") && s.size() > 5) {
        config.kind = store::store_kind::lmdb;
        config.path = s.substr(5);
    } else if (s.starts_with("redis:")) {
        config.kind = store::store_kind::redis;
        auto rest = s.substr(6);
        auto colon = rest.rfind(':');
        config.host = rest.substr(0, colon);
        if (colon != std::string::npos) {
            try {
                config.port = std::stoi(rest.substr(colon + 1));
            } catch (const std::exception&) {
                throw usage_error("--store " + s + ": bad port");
            }
        }
        if (config.host.empty()) throw usage_error("--store " + s + ": no host");
    } else {
        throw usage_error("--store takes memory, lmdb:PATH or redis:HOST:PORT, not " + s);
    }
    return config;
}

std::unique_ptr<store::store> open_state_store(const std::optional<std::string>& spec) {
    return store::open_store(store_spec(spec));
}

std::unique_ptr<list_provider> open_store_lists(const std::optional<std::string>& spec) {
    auto config = store_spec(spec);
    if (config.kind == store::store_kind::memory) return nullptr;
    return lists::open_list_store(config);
}

}  // namespace sift::cli
