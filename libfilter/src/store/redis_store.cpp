// The shared backend: Redis through hiredis. Expiry is the server's (SET ...
// EX), so the configured clock is not used. Connections come from a small
// pool; each command has the configured timeout, and a connection is opened
// with the connect timeout, so no call waits longer than about
// connect_timeout + command_timeout (twice that when a pooled connection
// turned out dead and the command is tried once more on a fresh one).
//
// put_if_absent is SET key value NX [EX ttl]: atomic on the server, between
// any number of clients. A retried SET NX cannot tell "the first attempt
// stored it before the connection broke" from "someone else stored it"; it
// then answers false. Retries happen only on a connection that sat in the
// pool (typically closed by the server while idle), where the first attempt
// is unlikely to have reached the server at all.
#include <hiredis.h>
#include <pthread.h>
#include <signal.h>

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <mutex>
#include <vector>

#include "store/backends.hpp"

namespace sift::store {
namespace {

struct context_deleter {
    void operator()(redisContext* c) const { redisFree(c); }
};
using context_ptr = std::unique_ptr<redisContext, context_deleter>;

struct reply_deleter {
    void operator()(redisReply* r) const { freeReplyObject(r); }
};
using reply_ptr = std::unique_ptr<redisReply, reply_deleter>;

timeval to_timeval(std::chrono::milliseconds ms) {
    return timeval{static_cast<time_t>(ms.count() / 1000),
                   static_cast<suseconds_t>((ms.count() % 1000) * 1000)};
}

// A failure that a fresh connection may cure: the peer closed or reset it.
// Timeouts are not: the server is there but slow, and waiting twice as long
// helps nobody.
// hiredis reports a timeout as an I/O error with errno EAGAIN.
bool timed_out(const redisContext& c, int saved_errno) {
    return c.err == REDIS_ERR_IO && (saved_errno == EAGAIN || saved_errno == EWOULDBLOCK);
}

bool connection_lost(const redisContext& c, int saved_errno) {
    return c.err == REDIS_ERR_EOF || (c.err == REDIS_ERR_IO && !timed_out(c, saved_errno));
}

// hiredis writes with write(): on a connection the server has reset, that
// raises SIGPIPE, which would kill the mail server. For the duration of a
// command the signal is blocked in this thread, and one it caused is taken
// off the pending set before the mask is restored; the write itself fails
// with EPIPE, which is handled like any lost connection.
class sigpipe_guard {
public:
    sigpipe_guard() {
        sigemptyset(&pipe_);
        sigaddset(&pipe_, SIGPIPE);
        sigset_t pending;
        sigpending(&pending);
        was_pending_ = sigismember(&pending, SIGPIPE) == 1;
        pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
    }
    ~sigpipe_guard() {
        sigset_t pending;
        sigpending(&pending);
        if (!was_pending_ && sigismember(&pending, SIGPIPE) == 1) {
            timespec zero{0, 0};
            sigtimedwait(&pipe_, nullptr, &zero);
        }
        pthread_sigmask(SIG_SETMASK, &old_, nullptr);
    }
    sigpipe_guard(const sigpipe_guard&) = delete;
    sigpipe_guard& operator=(const sigpipe_guard&) = delete;

private:
    sigset_t pipe_;
    sigset_t old_;
    bool was_pending_ = false;
};

// The connections of one store or list store: a mutex-guarded pool, each
// command bounded by the timeouts, a pooled connection found dead replaced
// once.
class redis_client {
public:
    explicit redis_client(const store_config& config)
        : config_(config),
          name_(config.unix_socket.empty() ? "redis " + config.host + ":" + std::to_string(config.port)
                                           : "redis unix:" + config.unix_socket) {}

    const std::string& name() const { return name_; }

    // Sends one command; its reply, or store_error (an error reply included).
    reply_ptr command(const std::vector<std::string_view>& args) {
        auto replies = pipeline({args});
        return std::move(replies.front());
    }

    // Sends the commands on one connection and reads their replies, in
    // order (MULTI ... EXEC runs them atomically on the server); an error
    // reply is a store_error naming its command (an error inside EXEC's
    // array too).
    std::vector<reply_ptr> pipeline(const std::vector<std::vector<std::string_view>>& commands) {
        sigpipe_guard guard;
        for (int attempt = 0;; ++attempt) {
            bool reused = false;
            context_ptr c = acquire(reused);
            std::vector<reply_ptr> replies;
            std::string_view failed = commands.front().front();
            for (const auto& args : commands) append(*c, args);
            for (const auto& args : commands) {
                void* reply = nullptr;
                if (redisGetReply(c.get(), &reply) != REDIS_OK || !reply) {
                    failed = args.front();
                    break;
                }
                replies.emplace_back(static_cast<redisReply*>(reply));
            }
            int saved_errno = errno;
            if (replies.size() == commands.size()) {
                release(std::move(c));
                for (std::size_t i = 0; i < replies.size(); ++i) check(*replies[i], commands[i].front());
                return replies;
            }
            if (reused && attempt == 0 && replies.empty() && connection_lost(*c, saved_errno)) {
                drop_idle();  // after a server restart, all of them are dead
                continue;
            }
            throw store_error(name_ + ": " + std::string(failed) + ": " + failure(*c, saved_errno));
        }
    }

    void expect(const redisReply& r, int type, const char* what) const {
        if (r.type != type) {
            throw store_error(name_ + ": " + what + ": unexpected reply type " + std::to_string(r.type));
        }
    }

private:
    void check(const redisReply& r, std::string_view what) const {
        if (r.type == REDIS_REPLY_ERROR)
            throw store_error(name_ + ": " + std::string(what) + ": " + std::string(r.str, r.len));
        if (r.type == REDIS_REPLY_ARRAY)
            for (std::size_t i = 0; i < r.elements; ++i) check(*r.element[i], what);
    }

    static void append(redisContext& c, const std::vector<std::string_view>& args) {
        std::vector<const char*> argv;
        std::vector<size_t> lengths;
        for (auto a : args) {
            argv.push_back(a.data());
            lengths.push_back(a.size());
        }
        redisAppendCommandArgv(&c, static_cast<int>(argv.size()), argv.data(), lengths.data());
    }

    static reply_ptr send(redisContext& c, const std::vector<std::string_view>& args) {
        std::vector<const char*> argv;
        std::vector<size_t> lengths;
        for (auto a : args) {
            argv.push_back(a.data());
            lengths.push_back(a.size());
        }
        return reply_ptr(static_cast<redisReply*>(
            redisCommandArgv(&c, static_cast<int>(argv.size()), argv.data(), lengths.data())));
    }

    std::string failure(const redisContext& c, int saved_errno) const {
        if (timed_out(c, saved_errno)) {
            return "no reply within " + std::to_string(config_.command_timeout.count()) + " ms";
        }
        if (c.err == REDIS_ERR_EOF) return "connection closed by the server";
        return c.errstr;
    }

    context_ptr acquire(bool& reused) {
        {
            std::lock_guard lock(pool_mutex_);
            if (!idle_.empty()) {
                context_ptr c = std::move(idle_.back());
                idle_.pop_back();
                reused = true;
                return c;
            }
        }
        reused = false;
        return connect();
    }

    void release(context_ptr c) {
        if (c->err) return;
        std::lock_guard lock(pool_mutex_);
        if (idle_.size() < config_.redis_pool_size) idle_.push_back(std::move(c));
    }

    void drop_idle() {
        std::lock_guard lock(pool_mutex_);
        idle_.clear();
    }

    context_ptr connect() {
        timeval connect_tv = to_timeval(config_.connect_timeout);
        context_ptr c(config_.unix_socket.empty()
                          ? redisConnectWithTimeout(config_.host.c_str(), config_.port, connect_tv)
                          : redisConnectUnixWithTimeout(config_.unix_socket.c_str(), connect_tv));
        if (!c) throw store_error(name_ + ": connect: out of memory");
        if (c->err) throw store_error(name_ + ": connect: " + std::string(c->errstr));
        if (redisSetTimeout(c.get(), to_timeval(config_.command_timeout)) != REDIS_OK) {
            throw store_error(name_ + ": cannot set the command timeout: " + std::string(c->errstr));
        }
        if (config_.password) {
            std::vector<std::string_view> auth{"AUTH"};
            if (config_.username) auth.push_back(*config_.username);
            auth.push_back(*config_.password);
            handshake(*c, auth, "authentication");
        }
        if (config_.database != 0) {
            std::string db = std::to_string(config_.database);
            handshake(*c, {"SELECT", db}, "SELECT " + db);
        }
        return c;
    }

    void handshake(redisContext& c, const std::vector<std::string_view>& args, const std::string& what) {
        reply_ptr r = send(c, args);
        if (!r) throw store_error(name_ + ": " + what + ": " + failure(c, errno));
        if (r->type == REDIS_REPLY_ERROR) {
            throw store_error(name_ + ": " + what + " failed: " + std::string(r->str, r->len));
        }
    }

    store_config config_;
    std::string name_;
    std::mutex pool_mutex_;
    std::vector<context_ptr> idle_;
};

class redis_store final : public store {
public:
    explicit redis_store(const store_config& config) : store(config.key_prefix), client_(config) {}

    std::size_t purge_expired() override { return 0; }  // the server expires keys

    std::string describe() const override { return client_.name(); }

protected:
    std::optional<std::string> do_get(std::string_view key) override {
        auto r = client_.command({"GET", key});
        if (r->type == REDIS_REPLY_NIL) return std::nullopt;
        client_.expect(*r, REDIS_REPLY_STRING, "GET");
        return std::string(r->str, r->len);
    }

    void do_put(std::string_view key, std::string_view value, std::chrono::seconds ttl) override {
        auto r = set(key, value, ttl, false);
        client_.expect(*r, REDIS_REPLY_STATUS, "SET");
    }

    bool do_put_if_absent(std::string_view key, std::string_view value, std::chrono::seconds ttl) override {
        auto r = set(key, value, ttl, true);
        if (r->type == REDIS_REPLY_NIL) return false;
        client_.expect(*r, REDIS_REPLY_STATUS, "SET");
        return true;
    }

    bool do_erase(std::string_view key) override {
        auto r = client_.command({"DEL", key});
        client_.expect(*r, REDIS_REPLY_INTEGER, "DEL");
        return r->integer > 0;
    }

private:
    reply_ptr set(std::string_view key, std::string_view value, std::chrono::seconds ttl,
                  bool only_if_absent) {
        std::vector<std::string_view> args{"SET", key, value};
        if (only_if_absent) args.push_back("NX");
        std::string seconds = std::to_string(ttl.count());
        if (ttl.count() > 0) {
            args.push_back("EX");
            args.push_back(seconds);
        }
        return client_.command(args);
    }

    redis_client client_;
};

// Allow and block lists on the server (docs/STORE.md "Lists"): each list
// is a set "<prefix>list:<name>" of canonical entries, plus the empty
// string as a member that says the list exists (an empty Redis set would
// not). A lookup is one SMISMEMBER over the value's keys (Redis 6.2 or
// later): one round trip, one moment of the set. add and remove are one
// command each inside MULTI/EXEC; replace fills a new set and RENAMEs it
// over the old one, so a lookup sees the old list or the new one.
class redis_lists final : public lists::list_store {
public:
    explicit redis_lists(const store_config& config) : prefix_(config.key_prefix), client_(config) {}

    bool valid(std::string_view list) const override {
        auto key = list_key(prefix_, list);
        auto r = client_.command({"EXISTS", key});
        client_.expect(*r, REDIS_REPLY_INTEGER, "EXISTS");
        return r->integer > 0;
    }

    bool contains(std::string_view list, std::string_view value) const override {
        auto keys = lists::lookup_keys(value);
        if (keys.empty()) return false;
        auto key = list_key(prefix_, list);
        std::vector<std::string_view> args{"SMISMEMBER", key};
        args.insert(args.end(), keys.begin(), keys.end());
        auto r = client_.command(args);
        client_.expect(*r, REDIS_REPLY_ARRAY, "SMISMEMBER");
        for (std::size_t i = 0; i < r->elements; ++i)
            if (r->element[i]->type == REDIS_REPLY_INTEGER && r->element[i]->integer == 1) return true;
        return false;
    }

    std::vector<std::string> members(std::string_view list) const override {
        auto key = list_key(prefix_, list);
        auto r = client_.command({"SMEMBERS", key});
        client_.expect(*r, REDIS_REPLY_ARRAY, "SMEMBERS");
        std::vector<std::string> out;
        for (std::size_t i = 0; i < r->elements; ++i)
            if (r->element[i]->type == REDIS_REPLY_STRING && r->element[i]->len > 0)
                out.emplace_back(r->element[i]->str, r->element[i]->len);
        std::sort(out.begin(), out.end());  // as LMDB gives them: in byte order
        return out;
    }

    std::size_t add(std::string_view list, const std::vector<std::string>& entries) override {
        auto canonical = list_entries(list, entries);
        auto key = list_key(prefix_, list);
        std::vector<std::string_view> sadd{"SADD", key, ""};
        sadd.insert(sadd.end(), canonical.begin(), canonical.end());
        auto replies = client_.pipeline({{"MULTI"}, {"EXISTS", key}, sadd, {"EXEC"}});
        const auto& exec = *replies.back();
        client_.expect(exec, REDIS_REPLY_ARRAY, "EXEC");
        if (exec.elements != 2) throw store_error(client_.name() + ": EXEC: transaction aborted");
        bool existed = exec.element[0]->integer > 0;
        return static_cast<std::size_t>(exec.element[1]->integer) - (existed ? 0 : 1);
    }

    std::size_t remove(std::string_view list, const std::vector<std::string>& entries) override {
        auto canonical = list_entries(list, entries);
        if (canonical.empty()) return 0;
        auto key = list_key(prefix_, list);
        std::vector<std::string_view> srem{"SREM", key};
        srem.insert(srem.end(), canonical.begin(), canonical.end());
        auto r = client_.command(srem);
        client_.expect(*r, REDIS_REPLY_INTEGER, "SREM");
        return static_cast<std::size_t>(r->integer);
    }

    void replace(std::string_view list, const std::vector<std::string>& entries) override {
        auto canonical = list_entries(list, entries);
        auto key = list_key(prefix_, list);
        // A new set beside the old one, filled in batches (each reply within
        // the command timeout), expiring in an hour if this process dies
        // before the swap.
        auto temp = key + " import " + std::to_string(::getpid()) + ":" +
                    std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
        std::vector<std::vector<std::string_view>> commands{{"DEL", temp}};
        constexpr std::size_t batch = 10000;
        for (std::size_t i = 0; i == 0 || i < canonical.size(); i += batch) {
            std::vector<std::string_view> sadd{"SADD", temp, ""};
            for (std::size_t j = i; j < std::min(i + batch, canonical.size()); ++j)
                sadd.push_back(canonical[j]);
            commands.push_back(std::move(sadd));
        }
        commands.push_back({"EXPIRE", temp, "3600"});
        client_.pipeline(commands);
        auto replies = client_.pipeline({{"MULTI"}, {"RENAME", temp, key}, {"PERSIST", key}, {"EXEC"}});
        client_.expect(*replies.back(), REDIS_REPLY_ARRAY, "EXEC");
    }

    std::string describe() const override { return client_.name(); }

private:
    std::string prefix_;
    mutable redis_client client_;
};

}  // namespace

std::unique_ptr<store> open_redis_store(const store_config& config) {
    return std::make_unique<redis_store>(config);
}

std::unique_ptr<lists::list_store> open_redis_lists(const store_config& config) {
    return std::make_unique<redis_lists>(config);
}

}  // namespace sift::store
