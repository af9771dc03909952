// The backends behind open_store (libsift-store), and the encoding of an
// entry with its expiry time in a file (LMDB; Redis keeps expiry on the
// server). The memory backend is libsift's (sift::store::open_memory_store);
// the expiry helpers all share are in store/expiry.hpp.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <sift/lists.hpp>

#include "store/expiry.hpp"
#include "store/store.hpp"

namespace sift::store {

std::unique_ptr<store> open_lmdb_store(const store_config& config);
std::unique_ptr<store> open_redis_store(const store_config& config);
std::unique_ptr<lists::list_store> open_lmdb_lists(const store_config& config);

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
