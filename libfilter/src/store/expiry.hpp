// Expiry on the configured clock, shared by the memory backend (libsift)
// and the LMDB one (libsift-store): inline, since neither library exports
// its internals to the other.
#pragma once

#include <sift/store.hpp>

#include <chrono>
#include <cstdint>

namespace sift::store {

// Milliseconds since the epoch, on the configured clock or the system's.
inline std::int64_t now_ms(const clock_function& clock) {
    auto now = clock ? clock() : std::chrono::system_clock::now();
    return std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
}

// When an entry written now with this ttl expires, in milliseconds since the
// epoch; 0 for never.
inline std::int64_t expiry_ms(const clock_function& clock, std::chrono::seconds ttl) {
    if (ttl.count() == 0) return 0;
    return now_ms(clock) + std::chrono::duration_cast<std::chrono::milliseconds>(ttl).count();
}

inline bool expired(std::int64_t expires_at_ms, std::int64_t now) {
    return expires_at_ms != 0 && now >= expires_at_ms;
}

}  // namespace sift::store
