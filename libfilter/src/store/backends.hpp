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
#include <vector>

#include <sift/lists.hpp>

#include "store/expiry.hpp"
#include "store/store.hpp"

namespace sift::store {

std::unique_ptr<store> open_lmdb_store(const store_config& config);
std::unique_ptr<store> open_redis_store(const store_config& config);
std::unique_ptr<lists::list_store> open_lmdb_lists(const store_config& config);
std::unique_ptr<lists::list_store> open_redis_lists(const store_config& config);

// Lists in a store (docs/STORE.md "Lists"): the key of list `name`,
// "<prefix>list:<name>" (lower-cased, a leading ':' dropped, as the file
// provider compares names), and the canonical entries of a change, checked
// before anything is written (lists::list_error for a bad name or entry).
std::string list_key(std::string_view prefix, std::string_view name);
std::vector<std::string> list_entries(std::string_view name, const std::vector<std::string>& entries);

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
