// Memory across messages: the key/value store behind vacation (RFC 5230 §4.2,
// "have I replied to this sender within the period?") and duplicate
// (RFC 7352 §3, "have I seen this message id within the period?").
//
// One small interface, three backends:
//  - lmdb   (the default): an embedded file, no server; one LMDB environment
//           per file and process, shared by its threads; LMDB's own locking
//           makes put_if_absent atomic across processes on one host.
//  - redis  (hiredis): several mail servers sharing state; expiry is done
//           by the server (SET ... NX EX).
//  - memory: one process, for tests and embedding; stores opened with the
//           same non-empty `path` share their data. In libsift itself
//           (open_memory_store), so it needs no other library.
//
// Every operation either does what it says or throws store_error, whose
// message says what failed and where ("redis 127.0.0.1:6379: connect: ...").
// Nothing crashes and nothing waits forever: Redis connects and commands are
// bounded by the configured timeouts (connect_timeout, command_timeout: 1 s
// each by default). A store_error is a sift::lookup_error: the run that met
// it ends with run_status::lookup_failed, its actions cancelled as for a
// runtime error (the message is kept, or tempfailed at the SMTP stage:
// sift::failure_policy); vacation sends no reply.
//
// A store is thread-safe: one object may be used by many threads at once.
// See docs/STORE.md for the key scheme that vacation and duplicate use.
//
// A host hands a store to the engine through sift::host::state()
// (sift/host.hpp, docs/HOST.md). The interface and the memory backend are
// part of libsift; the LMDB and Redis backends and open_store are in
// libsift-store (link Sift::sift_store or pkg-config sift-store), so a host
// that implements `store` itself, or keeps its state in memory, links no
// LMDB and no hiredis (docs/EMBEDDING.md).
#pragma once

#include <sift/export.hpp>
#include <sift/host.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace sift::store {

// Thrown for every failure: unreachable or misbehaving server, timeouts,
// I/O errors, a corrupt or unwritable file, a full LMDB map, invalid keys.
class SIFT_API store_error : public lookup_error {
public:
    using lookup_error::lookup_error;
};

// The wall clock the store compares expiry times against: give it the host's
// (sift::basic_host::clock()), so that the engine and the store agree on
// "now" and tests can move time without sleeping. Redis ignores it: its
// server expires keys on its own clock.
using clock_function = std::function<std::chrono::system_clock::time_point()>;

enum class store_kind { memory, lmdb, redis };

struct store_config {
    store_kind kind = store_kind::lmdb;

    // lmdb: the database file (created, with "<path>-lock" beside it) or an
    // existing directory (data.mdb and lock.mdb inside it). The parent must
    // exist. memory: a name; stores with the same non-empty name share data.
    std::string path;
    // lmdb: the largest the file may grow. Fixed by the first store that
    // opens a file in a process; every process should use the same value.
    std::size_t lmdb_map_size = std::size_t{256} << 20;

    // redis: TCP host and port, or a unix socket when `unix_socket` is set.
    std::string host = "127.0.0.1";
    int port = 6379;
    std::string unix_socket;
    std::optional<std::string> username;  // Redis 6 ACL user, with password
    std::optional<std::string> password;  // AUTH after every connect
    int database = 0;                     // SELECT after every connect
    std::chrono::milliseconds connect_timeout{1000};
    std::chrono::milliseconds command_timeout{1000};
    // Idle connections kept for reuse; busier moments open more.
    std::size_t redis_pool_size = 4;

    // Prepended to every key, so that deployments (or tenants) sharing one
    // file or server never see each other's keys: "site-a:".
    std::string key_prefix;

    // Defaults to std::chrono::system_clock::now.
    clock_function clock;
};

// Longest key (key_prefix included) any backend accepts: LMDB's default
// limit, applied everywhere so that a key scheme works on every backend.
inline constexpr std::size_t max_key_size = 511;

class SIFT_API store {
public:
    virtual ~store() = default;
    store(const store&) = delete;
    store& operator=(const store&) = delete;

    // The value, or std::nullopt when the key is absent or expired.
    std::optional<std::string> get(std::string_view key);

    // Stores the value, replacing any other; ttl 0 means no expiry.
    void put(std::string_view key, std::string_view value, std::chrono::seconds ttl);

    // Atomic check-and-set: stores the value only when the key is absent or
    // expired, and says whether it did. Of any number of threads, processes
    // (LMDB) or servers (Redis) racing on one key, exactly one gets true.
    bool put_if_absent(std::string_view key, std::string_view value, std::chrono::seconds ttl);

    // Removes the key; true when a live value was there.
    bool erase(std::string_view key);

    // Removes expired entries and says how many. Expired entries already
    // behave as absent; this only reclaims their space (LMDB does it by
    // itself when its map is full; Redis expires keys itself: returns 0).
    virtual std::size_t purge_expired() = 0;

    // "lmdb /var/lib/sift/state.mdb", "redis 127.0.0.1:6379", "memory":
    // where this store keeps its data, as error messages name it.
    virtual std::string describe() const = 0;

protected:
    explicit store(std::string key_prefix) : prefix_(std::move(key_prefix)) {}

    // The backends see full keys (prefix included), already validated, and a
    // ttl >= 0.
    virtual std::optional<std::string> do_get(std::string_view key) = 0;
    virtual void do_put(std::string_view key, std::string_view value, std::chrono::seconds ttl) = 0;
    virtual bool do_put_if_absent(std::string_view key, std::string_view value, std::chrono::seconds ttl) = 0;
    virtual bool do_erase(std::string_view key) = 0;

private:
    std::string full_key(std::string_view key) const;
    void check_ttl(std::chrono::seconds ttl) const;

    std::string prefix_;
};

// Opens (or creates) the store the configuration names. LMDB opens its file
// here, so a bad path fails now; Redis connects on first use, so a server
// that is down at start-up fails the operations, not the start-up.
// Throws store_error. Defined in libsift-store.
SIFT_API std::unique_ptr<store> open_store(const store_config& config);

// The memory backend, whatever config.kind says: config.path names a map
// that stores opened with the same non-empty name share; key_prefix and
// clock as for every backend; the rest is not read. Defined in libsift, so
// a test or a host that needs no persistence links nothing else:
//
//     sift::basic_host host;
//     auto state = sift::store::open_memory_store({.kind = sift::store::store_kind::memory,
//                                                  .clock = host.clock()});
//     host.set_state(state.get());
SIFT_API std::unique_ptr<store> open_memory_store(const store_config& config = {});

}  // namespace sift::store
