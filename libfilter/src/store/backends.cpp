// The file entry encoding and the dispatch to the backends: libsift-store,
// not libsift (store.cmake); the memory backend it dispatches to is
// libsift's own.
#include "store/backends.hpp"

namespace sift::store {

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

std::string list_key(std::string_view prefix, std::string_view name) {
    if (!name.empty() && name.front() == ':') name.remove_prefix(1);
    std::string key = std::string(prefix) + "list:";
    for (char c : name) key.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
    return key;
}

std::vector<std::string> list_entries(std::string_view name, const std::vector<std::string>& entries) {
    if (name.empty()) throw lists::list_error("empty list name");
    for (char c : name)
        if (static_cast<unsigned char>(c) <= ' ' || c == 0x7F)
            throw lists::list_error("list name '" + std::string(name) +
                                    "' holds a space or a control character");
    std::vector<std::string> out;
    out.reserve(entries.size());
    for (const auto& e : entries) out.push_back(lists::normalize_entry(e));
    return out;
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

namespace sift::lists {

std::unique_ptr<list_store> open_list_store(const store::store_config& config) {
    switch (config.kind) {
        case store::store_kind::lmdb:
            return store::open_lmdb_lists(config);
        case store::store_kind::redis:
            return store::open_redis_lists(config);
        case store::store_kind::memory:
            break;
    }
    throw store::store_error("lists: a memory store holds no lists (use lmdb or redis)");
}

}  // namespace sift::lists
