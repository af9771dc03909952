// The backends behind open_store, and what they share: the clock and the
// encoding of an entry with its expiry time (memory and LMDB; Redis keeps
// expiry on the server).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "store/store.hpp"

namespace sift::store {

std::unique_ptr<store> open_memory_store(const store_config& config);
std::unique_ptr<store> open_lmdb_store(const store_config& config);
std::unique_ptr<store> open_redis_store(const store_config& config);

// Milliseconds since the epoch, on the configured clock or the system's.
std::int64_t now_ms(const clock_function& clock);

// When an entry written now with this ttl expires, in milliseconds since the
// epoch; 0 for never.
std::int64_t expiry_ms(const clock_function& clock, std::chrono::seconds ttl);

inline bool expired(std::int64_t expires_at_ms, std::int64_t now) {
    return expires_at_ms != 0 && now >= expires_at_ms;
}

// An entry as stored in a file: a format byte, the expiry as 8 little-endian
// bytes (ms since the epoch, 0 = never), then the value's bytes.
struct entry_view {
    std::int64_t expires_at_ms = 0;
    std::string_view value;
};
std::string encode_entry(std::string_view value, std::int64_t expires_at_ms);
// std::nullopt when the bytes are not an entry of this format.
std::optional<entry_view> decode_entry(std::string_view bytes);

}  // namespace sift::store
