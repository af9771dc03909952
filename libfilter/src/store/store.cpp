// The checks every backend shares, so that all three accept and refuse the
// same keys and ttls, and the dispatch to the backends.
#include "store/store.hpp"

#include "store/backends.hpp"

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

std::int64_t now_ms(const clock_function& clock) {
    auto now = clock ? clock() : std::chrono::system_clock::now();
    return std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
}

std::int64_t expiry_ms(const clock_function& clock, std::chrono::seconds ttl) {
    if (ttl.count() == 0) return 0;
    return now_ms(clock) + std::chrono::duration_cast<std::chrono::milliseconds>(ttl).count();
}

namespace {
constexpr char entry_format = '\x01';
constexpr std::size_t entry_header = 9;
}  // namespace

std::string encode_entry(std::string_view value, std::int64_t expires_at_ms) {
    std::string out;
    out.reserve(entry_header + value.size());
    out.push_back(entry_format);
    auto bits = static_cast<std::uint64_t>(expires_at_ms);
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((bits >> (8 * i)) & 0xff));
    out.append(value);
    return out;
}

std::optional<entry_view> decode_entry(std::string_view bytes) {
    if (bytes.size() < entry_header || bytes[0] != entry_format) return std::nullopt;
    std::uint64_t bits = 0;
    for (int i = 0; i < 8; ++i) bits |= std::uint64_t{static_cast<unsigned char>(bytes[1 + i])} << (8 * i);
    return entry_view{static_cast<std::int64_t>(bits), bytes.substr(entry_header)};
}

std::unique_ptr<store> open_store(const store_config& config) {
    switch (config.kind) {
        case store_kind::memory:
            return open_memory_store(config);
        case store_kind::lmdb:
            return open_lmdb_store(config);
        case store_kind::redis:
            return open_redis_store(config);
    }
    throw store_error("store: unknown kind " + std::to_string(static_cast<int>(config.kind)));
}

}  // namespace sift::store
