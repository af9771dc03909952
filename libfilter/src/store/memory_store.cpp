// The in-process backend: a map under a mutex. Stores opened with the same
// non-empty name share one map for as long as any of them is open, so that
// tests and embedders can model several scripts (or prefixes) on one store.
// Part of libsift, not libsift-store: it needs no LMDB and no hiredis, and
// an embedder's tests (or a host that needs no persistence) should not have
// to link them to get a store (sift::store::open_memory_store).
#include <map>
#include <mutex>
#include <unordered_map>

#include "store/expiry.hpp"
#include "store/store.hpp"

namespace sift::store {
namespace {

struct memory_data {
    struct entry {
        std::string value;
        std::int64_t expires_at_ms = 0;
    };
    std::mutex mutex;
    std::unordered_map<std::string, entry> entries;
};

// Named maps, alive while a store uses them.
std::shared_ptr<memory_data> shared_data(const std::string& name) {
    if (name.empty()) return std::make_shared<memory_data>();
    static std::mutex registry_mutex;
    static std::map<std::string, std::weak_ptr<memory_data>> registry;
    std::lock_guard lock(registry_mutex);
    auto& slot = registry[name];
    auto data = slot.lock();
    if (!data) slot = data = std::make_shared<memory_data>();
    return data;
}

class memory_store final : public store {
public:
    explicit memory_store(const store_config& config)
        : store(config.key_prefix),
          clock_(config.clock),
          name_(config.path),
          data_(shared_data(config.path)) {}

    std::size_t purge_expired() override {
        std::lock_guard lock(data_->mutex);
        return std::erase_if(data_->entries, [now = now_ms(clock_)](const auto& kv) {
            return expired(kv.second.expires_at_ms, now);
        });
    }

    std::string describe() const override { return name_.empty() ? "memory" : "memory " + name_; }

protected:
    std::optional<std::string> do_get(std::string_view key) override {
        std::lock_guard lock(data_->mutex);
        auto* e = live(key);
        if (!e) return std::nullopt;
        return e->value;
    }

    void do_put(std::string_view key, std::string_view value, std::chrono::seconds ttl) override {
        std::lock_guard lock(data_->mutex);
        data_->entries.insert_or_assign(std::string(key),
                                        memory_data::entry{std::string(value), expiry_ms(clock_, ttl)});
    }

    bool do_put_if_absent(std::string_view key, std::string_view value, std::chrono::seconds ttl) override {
        std::lock_guard lock(data_->mutex);
        if (live(key)) return false;
        data_->entries.insert_or_assign(std::string(key),
                                        memory_data::entry{std::string(value), expiry_ms(clock_, ttl)});
        return true;
    }

    bool do_erase(std::string_view key) override {
        std::lock_guard lock(data_->mutex);
        bool was_live = live(key) != nullptr;
        data_->entries.erase(std::string(key));
        return was_live;
    }

private:
    // The entry when present and not expired; the mutex is held.
    memory_data::entry* live(std::string_view key) {
        auto it = data_->entries.find(std::string(key));
        if (it == data_->entries.end()) return nullptr;
        if (expired(it->second.expires_at_ms, now_ms(clock_))) {
            data_->entries.erase(it);
            return nullptr;
        }
        return &it->second;
    }

    clock_function clock_;
    std::string name_;
    std::shared_ptr<memory_data> data_;
};

}  // namespace

std::unique_ptr<store> open_memory_store(const store_config& config) {
    return std::make_unique<memory_store>(config);
}

}  // namespace sift::store
