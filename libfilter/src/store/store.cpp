// The checks every backend shares, so that all of them (the library's and a
// host's own) accept and refuse the same keys and ttls. Part of libsift: the
// engine calls these. The LMDB and Redis backends and open_store are in
// libsift-store (backends.cpp), so that a host bringing its own store links
// no LMDB and no hiredis; the memory backend is here (memory_store.cpp).
#include "store/store.hpp"

#include <string>

namespace sift::store {

std::string store::full_key(std::string_view key) const {
    if (key.empty()) throw store_error(describe() + ": empty key");
    if (prefix_.size() + key.size() > max_key_size) {
        throw store_error(describe() + ": key of " + std::to_string(prefix_.size() + key.size()) +
                          " bytes (prefix included) exceeds the limit of " + std::to_string(max_key_size));
    }
    std::string full;
    full.reserve(prefix_.size() + key.size());
    full.append(prefix_).append(key);
    return full;
}

void store::check_ttl(std::chrono::seconds ttl) const {
    if (ttl.count() < 0)
        throw store_error(describe() + ": negative ttl " + std::to_string(ttl.count()) + "s");
}

std::optional<std::string> store::get(std::string_view key) {
    return do_get(full_key(key));
}

void store::put(std::string_view key, std::string_view value, std::chrono::seconds ttl) {
    check_ttl(ttl);
    do_put(full_key(key), value, ttl);
}

bool store::put_if_absent(std::string_view key, std::string_view value, std::chrono::seconds ttl) {
    check_ttl(ttl);
    return do_put_if_absent(full_key(key), value, ttl);
}

bool store::erase(std::string_view key) {
    return do_erase(full_key(key));
}

}  // namespace sift::store
