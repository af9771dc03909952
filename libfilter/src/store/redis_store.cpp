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

class redis_store final : public store {
public:
    explicit redis_store(const store_config& config)
        : store(config.key_prefix),
          config_(config),
          name_(config.unix_socket.empty() ? "redis " + config.host + ":" + std::to_string(config.port)
                                           : "redis unix:" + config.unix_socket) {}

    std::size_t purge_expired() override { return 0; }  // the server expires keys

    std::string describe() const override { return name_; }

protected:
    std::optional<std::string> do_get(std::string_view key) override {
        auto r = command({"GET", key});
        if (r->type == REDIS_REPLY_NIL) return std::nullopt;
        expect(*r, REDIS_REPLY_STRING, "GET");
        return std::string(r->str, r->len);
    }

    void do_put(std::string_view key, std::string_view value, std::chrono::seconds ttl) override {
        auto r = set(key, value, ttl, false);
        expect(*r, REDIS_REPLY_STATUS, "SET");
    }

    bool do_put_if_absent(std::string_view key, std::string_view value, std::chrono::seconds ttl) override {
        auto r = set(key, value, ttl, true);
        if (r->type == REDIS_REPLY_NIL) return false;
        expect(*r, REDIS_REPLY_STATUS, "SET");
        return true;
    }

    bool do_erase(std::string_view key) override {
        auto r = command({"DEL", key});
        expect(*r, REDIS_REPLY_INTEGER, "DEL");
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
        return command(args);
    }

    void expect(const redisReply& r, int type, const char* what) const {
        if (r.type != type) {
            throw store_error(name_ + ": " + what + ": unexpected reply type " + std::to_string(r.type));
        }
    }

    // Sends one command; its reply, or store_error (an error reply included).
    reply_ptr command(const std::vector<std::string_view>& args) {
        sigpipe_guard guard;
        for (int attempt = 0;; ++attempt) {
            bool reused = false;
            context_ptr c = acquire(reused);
            reply_ptr r = send(*c, args);
            int saved_errno = errno;
            if (r) {
                release(std::move(c));
                if (r->type == REDIS_REPLY_ERROR) {
                    throw store_error(name_ + ": " + std::string(args[0]) + ": " +
                                      std::string(r->str, r->len));
                }
                return r;
            }
            if (reused && attempt == 0 && connection_lost(*c, saved_errno)) {
                drop_idle();  // after a server restart, all of them are dead
                continue;
            }
            throw store_error(name_ + ": " + std::string(args[0]) + ": " + failure(*c, saved_errno));
        }
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

}  // namespace

std::unique_ptr<store> open_redis_store(const store_config& config) {
    return std::make_unique<redis_store>(config);
}

}  // namespace sift::store
