// The embedded backend: one LMDB file. LMDB allows one MDB_env per file per
// process (a second one would release the first one's fcntl locks when it
// closes), so environments live in a registry shared by every store opened
// on the same file in this process. Across processes, LMDB's lock file
// serialises write transactions; put_if_absent reads and writes in one write
// transaction, which makes it atomic between processes too.
//
// Entries carry their expiry time (backends.hpp); an expired entry reads as
// absent and is overwritten by the next put. purge_expired reclaims space,
// and runs by itself once when a write finds the map full.
//
// Commits use MDB_NOMETASYNC: one fsync per commit instead of two; a system
// crash may undo the last commit but never corrupts the file, and losing the
// last vacation or duplicate record costs at most one extra reply or one
// duplicate delivery.
#include <lmdb.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <mutex>
#include <shared_mutex>

#include "store/backends.hpp"

namespace sift::store {
namespace {

namespace fs = std::filesystem;

struct lmdb_env {
    MDB_env* env = nullptr;
    MDB_dbi dbi = 0;
    std::string name;  // "lmdb <path>", for messages
    std::size_t map_size = 0;
    pid_t owner = 0;
    // Held shared by every transaction of this process, exclusively to adopt
    // a map size grown by another process (mdb_env_set_mapsize needs no
    // transaction to be open).
    std::shared_mutex resize_mutex;

    lmdb_env() = default;
    lmdb_env(const lmdb_env&) = delete;
    lmdb_env& operator=(const lmdb_env&) = delete;
    ~lmdb_env() {
        // A child of fork() must not touch its parent's environment.
        if (env && owner == getpid()) mdb_env_close(env);
    }
};

[[noreturn]] void fail(const std::string& name, const std::string& what, int rc) {
    throw store_error(name + ": " + what + ": " + mdb_strerror(rc));
}

std::shared_ptr<lmdb_env> open_env(const std::string& path, std::size_t map_size) {
    std::string name = "lmdb " + path;
    std::error_code ec;
    bool directory = fs::is_directory(path, ec);
    auto env = std::make_shared<lmdb_env>();
    env->name = name;
    env->map_size = map_size;
    env->owner = getpid();
    int rc = mdb_env_create(&env->env);
    if (rc != 0) fail(name, "cannot create environment", rc);
    if ((rc = mdb_env_set_mapsize(env->env, map_size)) != 0) fail(name, "cannot set map size", rc);
    // Read transactions are short and not tied to threads (MDB_NOTLS), so
    // this bounds concurrent readers, not threads.
    if ((rc = mdb_env_set_maxreaders(env->env, 512)) != 0) fail(name, "cannot set reader slots", rc);
    unsigned flags = MDB_NOTLS | MDB_NOMETASYNC | (directory ? 0u : unsigned{MDB_NOSUBDIR});
    if ((rc = mdb_env_open(env->env, path.c_str(), flags, 0660)) != 0) fail(name, "cannot open", rc);
    int dead = 0;
    mdb_reader_check(env->env, &dead);  // slots left by crashed processes
    MDB_txn* txn = nullptr;
    if ((rc = mdb_txn_begin(env->env, nullptr, 0, &txn)) != 0) fail(name, "cannot begin transaction", rc);
    if ((rc = mdb_dbi_open(txn, nullptr, 0, &env->dbi)) != 0) {
        mdb_txn_abort(txn);
        fail(name, "cannot open database", rc);
    }
    if ((rc = mdb_txn_commit(txn)) != 0) fail(name, "cannot commit", rc);
    return env;
}

// The process's environment for this file, opened on first use.
std::shared_ptr<lmdb_env> shared_env(const std::string& path, std::size_t map_size) {
    if (path.empty()) throw store_error("lmdb: no path configured");
    std::error_code ec;
    fs::path canonical = fs::weakly_canonical(path, ec);
    std::string key = ec ? path : canonical.string();
    static std::mutex registry_mutex;
    static std::map<std::string, std::weak_ptr<lmdb_env>> registry;
    std::lock_guard lock(registry_mutex);
    auto& slot = registry[key];
    auto env = slot.lock();
    if (!env || env->owner != getpid()) slot = env = open_env(path, map_size);
    return env;
}

// A transaction that aborts unless committed.
class transaction {
public:
    transaction(lmdb_env& env, bool write) : env_(env), lock_(env.resize_mutex) {
        int rc = mdb_txn_begin(env_.env, nullptr, write ? 0 : MDB_RDONLY, &txn_);
        if (rc == MDB_MAP_RESIZED) {
            lock_.unlock();
            {
                std::unique_lock exclusive(env_.resize_mutex);
                mdb_env_set_mapsize(env_.env, 0);  // adopt the other process's size
            }
            lock_.lock();
            rc = mdb_txn_begin(env_.env, nullptr, write ? 0 : MDB_RDONLY, &txn_);
        }
        if (rc != 0) fail(env_.name, "cannot begin transaction", rc);
    }
    transaction(const transaction&) = delete;
    transaction& operator=(const transaction&) = delete;
    ~transaction() {
        if (txn_) mdb_txn_abort(txn_);
    }

    // The stored bytes, or std::nullopt; valid until the transaction ends.
    std::optional<std::string_view> get(std::string_view key) {
        MDB_val k{key.size(), const_cast<char*>(key.data())};
        MDB_val v;
        int rc = mdb_get(txn_, env_.dbi, &k, &v);
        if (rc == MDB_NOTFOUND) return std::nullopt;
        if (rc != 0) fail(env_.name, "read failed", rc);
        return std::string_view(static_cast<const char*>(v.mv_data), v.mv_size);
    }

    // MDB_MAP_FULL is returned, not thrown: the caller may purge and retry.
    int put(std::string_view key, std::string_view bytes) {
        MDB_val k{key.size(), const_cast<char*>(key.data())};
        MDB_val v{bytes.size(), const_cast<char*>(bytes.data())};
        int rc = mdb_put(txn_, env_.dbi, &k, &v, 0);
        if (rc != 0 && rc != MDB_MAP_FULL) fail(env_.name, "write failed", rc);
        return rc;
    }

    int del(MDB_cursor* cursor) {
        int rc = mdb_cursor_del(cursor, 0);
        if (rc != 0 && rc != MDB_MAP_FULL) fail(env_.name, "delete failed", rc);
        return rc;
    }

    int commit() {
        int rc = mdb_txn_commit(txn_);
        txn_ = nullptr;
        if (rc != 0 && rc != MDB_MAP_FULL) fail(env_.name, "commit failed", rc);
        return rc;
    }

    MDB_txn* handle() { return txn_; }

private:
    lmdb_env& env_;
    std::shared_lock<std::shared_mutex> lock_;
    MDB_txn* txn_ = nullptr;
};

class lmdb_store final : public store {
public:
    explicit lmdb_store(const store_config& config)
        : store(config.key_prefix),
          clock_(config.clock),
          env_(shared_env(config.path, config.lmdb_map_size)) {}

    std::size_t purge_expired() override {
        std::size_t total = 0;
        // In batches, so that a large purge does not hold the write lock
        // (shared with other processes) for long.
        for (;;) {
            auto [removed, more] = purge_batch(1000);
            total += removed;
            if (!more) return total;
        }
    }

    std::string describe() const override { return env_->name; }

protected:
    std::optional<std::string> do_get(std::string_view key) override {
        transaction txn(*env_, false);
        auto bytes = txn.get(key);
        if (!bytes) return std::nullopt;
        auto e = decode(key, *bytes);
        if (expired(e.expires_at_ms, now_ms(clock_))) return std::nullopt;
        return std::string(e.value);
    }

    void do_put(std::string_view key, std::string_view value, std::chrono::seconds ttl) override {
        write_with_retry(
            [&](transaction& txn) { return txn.put(key, encode_entry(value, expiry_ms(clock_, ttl))); });
    }

    bool do_put_if_absent(std::string_view key, std::string_view value, std::chrono::seconds ttl) override {
        bool stored = false;
        write_with_retry([&](transaction& txn) {
            stored = false;
            if (auto bytes = txn.get(key)) {
                if (!expired(decode(key, *bytes).expires_at_ms, now_ms(clock_))) return MDB_SUCCESS;
            }
            int rc = txn.put(key, encode_entry(value, expiry_ms(clock_, ttl)));
            stored = rc == MDB_SUCCESS;
            return rc;
        });
        return stored;
    }

    bool do_erase(std::string_view key) override {
        transaction txn(*env_, true);
        auto bytes = txn.get(key);
        if (!bytes) return false;
        auto e = decode_entry(*bytes);  // a corrupt entry is erased, not reported
        bool was_live = e && !expired(e->expires_at_ms, now_ms(clock_));
        MDB_val k{key.size(), const_cast<char*>(key.data())};
        int rc = mdb_del(txn.handle(), env_->dbi, &k, nullptr);
        if (rc != 0) fail(env_->name, "delete failed", rc);
        if (txn.commit() == MDB_MAP_FULL) throw map_full();
        return was_live;
    }

private:
    entry_view decode(std::string_view key, std::string_view bytes) const {
        auto e = decode_entry(bytes);
        if (!e) throw store_error(env_->name + ": corrupt entry for key \"" + std::string(key) + "\"");
        return *e;
    }

    store_error map_full() const {
        return store_error(env_->name + ": the database is full (map size " + std::to_string(env_->map_size) +
                           " bytes); raise lmdb_map_size or remove entries");
    }

    // Runs body in a write transaction and commits. A full map is met once
    // by purging expired entries and trying again.
    template <class Body>
    void write_with_retry(Body&& body) {
        for (int attempt = 0;; ++attempt) {
            {
                transaction txn(*env_, true);
                if (body(txn) == MDB_SUCCESS && txn.commit() == MDB_SUCCESS) return;
            }
            if (attempt > 0 || purge_expired() == 0) throw map_full();
        }
    }

    // Removes up to `limit` expired entries in one transaction: how many,
    // and whether the scan stopped early.
    std::pair<std::size_t, bool> purge_batch(std::size_t limit) {
        transaction txn(*env_, true);
        MDB_cursor* cursor = nullptr;
        int rc = mdb_cursor_open(txn.handle(), env_->dbi, &cursor);
        if (rc != 0) fail(env_->name, "cannot open cursor", rc);
        std::int64_t now = now_ms(clock_);
        std::size_t removed = 0;
        MDB_val k, v;
        bool more = false, full = false;
        for (rc = mdb_cursor_get(cursor, &k, &v, MDB_FIRST); rc == 0;
             rc = mdb_cursor_get(cursor, &k, &v, MDB_NEXT)) {
            auto e = decode_entry(std::string_view(static_cast<const char*>(v.mv_data), v.mv_size));
            if (!e || !expired(e->expires_at_ms, now)) continue;
            if ((full = txn.del(cursor) == MDB_MAP_FULL)) break;
            if (++removed == limit) {
                more = true;
                break;
            }
        }
        mdb_cursor_close(cursor);
        if (rc != 0 && rc != MDB_NOTFOUND) fail(env_->name, "scan failed", rc);
        // Deleting copies pages too: a map too full even for that gives up.
        if (full || removed == 0) return {0, false};
        if (txn.commit() == MDB_MAP_FULL) return {0, false};
        return {removed, more};
    }

    clock_function clock_;
    std::shared_ptr<lmdb_env> env_;
};

// Allow and block lists in the same file (docs/STORE.md "Lists"): entry
// keys "<prefix>list:<name> <entry>" and a marker "<prefix>list:<name>"
// that says the list exists, each an entry that never expires (so
// purge_expired passes them by). A lookup is one read transaction, i.e. one
// snapshot of the file, probing each of the value's keys; every change is
// one write transaction, so readers see a list before or after it.
class lmdb_lists final : public lists::list_store {
public:
    explicit lmdb_lists(const store_config& config)
        : prefix_(config.key_prefix), env_(shared_env(config.path, config.lmdb_map_size)) {}

    bool valid(std::string_view list) const override {
        transaction txn(*env_, false);
        return txn.get(list_key(list, "")).has_value();
    }

    bool contains(std::string_view list, std::string_view value) const override {
        auto keys = lists::lookup_keys(value);
        auto base = list_key(list, "") + " ";
        transaction txn(*env_, false);
        std::string key;
        for (const auto& k : keys) {
            key.assign(base).append(k);
            if (key.size() <= max_key_size && txn.get(key)) return true;
        }
        return false;
    }

    std::vector<std::string> members(std::string_view list) const override {
        std::vector<std::string> out;
        transaction txn(*env_, false);
        scan(txn, list_key(list, "") + " ", [&](std::string_view entry, MDB_cursor*) {
            out.emplace_back(entry);
            return true;
        });
        return out;
    }

    std::size_t add(std::string_view list, const std::vector<std::string>& entries) override {
        auto keys = entry_keys(list, entries);
        std::size_t added = 0;
        write([&](transaction& txn) {
            added = 0;
            if (int rc = txn.put(list_key(list, ""), marker()); rc) return rc;
            for (const auto& k : keys) {
                if (txn.get(k)) continue;
                if (int rc = txn.put(k, marker()); rc) return rc;
                ++added;
            }
            return MDB_SUCCESS;
        });
        return added;
    }

    std::size_t remove(std::string_view list, const std::vector<std::string>& entries) override {
        auto keys = entry_keys(list, entries);
        std::size_t removed = 0;
        write([&](transaction& txn) {
            removed = 0;
            for (const auto& k : keys) {
                MDB_val key{k.size(), const_cast<char*>(k.data())};
                int rc = mdb_del(txn.handle(), env_->dbi, &key, nullptr);
                if (rc == MDB_NOTFOUND) continue;
                if (rc == MDB_MAP_FULL) return rc;
                if (rc != 0) fail(env_->name, "delete failed", rc);
                ++removed;
            }
            return MDB_SUCCESS;
        });
        return removed;
    }

    void replace(std::string_view list, const std::vector<std::string>& entries) override {
        auto keys = entry_keys(list, entries);
        write([&](transaction& txn) {
            int full = MDB_SUCCESS;
            scan(txn, list_key(list, "") + " ", [&](std::string_view, MDB_cursor* cursor) {
                full = txn.del(cursor);
                return full == MDB_SUCCESS;
            });
            if (full) return full;
            if (int rc = txn.put(list_key(list, ""), marker()); rc) return rc;
            for (const auto& k : keys)
                if (int rc = txn.put(k, marker()); rc) return rc;
            return MDB_SUCCESS;
        });
    }

    std::string describe() const override { return env_->name; }

private:
    static std::string marker() { return encode_entry("", 0); }

    // "<prefix>list:<name>", and with " <entry>" when entry is not empty.
    std::string list_key(std::string_view list, std::string_view entry) const {
        std::string key = sift::store::list_key(prefix_, list);
        if (!entry.empty()) key.append(" ").append(entry);
        return key;
    }

    std::vector<std::string> entry_keys(std::string_view list,
                                        const std::vector<std::string>& entries) const {
        std::vector<std::string> keys;
        keys.reserve(entries.size());
        for (const auto& e : list_entries(list, entries)) {
            keys.push_back(list_key(list, e));
            if (keys.back().size() > max_key_size)
                throw lists::list_error("entry '" + e + "': the key for list '" + std::string(list) +
                                        "' is longer than " + std::to_string(max_key_size) + " bytes");
        }
        return keys;
    }

    // Calls f(entry, cursor) for each entry key starting with `base`, in
    // key order, while it returns true.
    template <class F>
    void scan(transaction& txn, const std::string& base, F&& f) const {
        MDB_cursor* cursor = nullptr;
        int rc = mdb_cursor_open(txn.handle(), env_->dbi, &cursor);
        if (rc != 0) fail(env_->name, "cannot open cursor", rc);
        MDB_val k{base.size(), const_cast<char*>(base.data())}, v;
        for (rc = mdb_cursor_get(cursor, &k, &v, MDB_SET_RANGE); rc == 0;
             rc = mdb_cursor_get(cursor, &k, &v, MDB_NEXT)) {
            std::string_view key(static_cast<const char*>(k.mv_data), k.mv_size);
            if (!key.starts_with(base) || !f(key.substr(base.size()), cursor)) break;
        }
        mdb_cursor_close(cursor);
        if (rc != 0 && rc != MDB_NOTFOUND) fail(env_->name, "scan failed", rc);
    }

    template <class Body>
    void write(Body&& body) {
        transaction txn(*env_, true);
        if (body(txn) == MDB_SUCCESS && txn.commit() == MDB_SUCCESS) return;
        throw store_error(env_->name + ": the database is full (map size " + std::to_string(env_->map_size) +
                          " bytes); raise lmdb_map_size or remove entries");
    }

    std::string prefix_;
    std::shared_ptr<lmdb_env> env_;
};

}  // namespace

std::unique_ptr<store> open_lmdb_store(const store_config& config) {
    return std::make_unique<lmdb_store>(config);
}

std::unique_ptr<lists::list_store> open_lmdb_lists(const store_config& config) {
    return std::make_unique<lmdb_lists>(config);
}

}  // namespace sift::store
