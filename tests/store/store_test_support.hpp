// What the store tests share: temporary directories, a clock that tests move
// by hand, a real redis-server on 127.0.0.1, and the three backends opened
// the same way so that one suite runs against all of them.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <hiredis.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <ostream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "store/store.hpp"

namespace sift::store::testing {

using namespace std::chrono_literals;

class temp_dir {
public:
    temp_dir() {
        auto base = std::filesystem::temp_directory_path() / "sift-store-XXXXXX";
        std::string tmpl = base.string();
        if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
        path_ = tmpl;
    }
    ~temp_dir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;
    const std::filesystem::path& path() const { return path_; }
    std::string operator/(std::string_view name) const { return (path_ / name).string(); }

private:
    std::filesystem::path path_;
};

// Real time plus an offset that tests advance; copies share the offset.
class fake_clock {
public:
    clock_function function() const {
        return [offset = offset_] {
            return std::chrono::system_clock::now() + std::chrono::seconds(offset->load());
        };
    }
    void advance(std::chrono::seconds s) { *offset_ += s.count(); }

private:
    std::shared_ptr<std::atomic<long long>> offset_ = std::make_shared<std::atomic<long long>>(0);
};

// A TCP port on 127.0.0.1 that nothing listens on (at the time of asking).
inline int free_port() {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        if (fd >= 0) close(fd);
        throw std::runtime_error("cannot find a free port");
    }
    close(fd);
    return ntohs(addr.sin_port);
}

// A raw hiredis connection, to look at what the store left on the server.
struct raw_redis {
    explicit raw_redis(int port) : c(redisConnectWithTimeout("127.0.0.1", port, timeval{1, 0})) {}
    ~raw_redis() {
        if (c) redisFree(c);
    }
    raw_redis(const raw_redis&) = delete;
    raw_redis& operator=(const raw_redis&) = delete;
    bool ok() const { return c && !c->err; }
    // The reply as text ("(nil)", "(error) ...", integers as digits).
    std::string run(const std::vector<std::string>& args) {
        if (!ok()) return "(no connection)";
        std::vector<const char*> argv;
        std::vector<size_t> lengths;
        for (auto& a : args) {
            argv.push_back(a.data());
            lengths.push_back(a.size());
        }
        auto* r =
            static_cast<redisReply*>(redisCommandArgv(c, int(argv.size()), argv.data(), lengths.data()));
        if (!r) return "(no reply)";
        std::string out;
        switch (r->type) {
            case REDIS_REPLY_NIL:
                out = "(nil)";
                break;
            case REDIS_REPLY_INTEGER:
                out = std::to_string(r->integer);
                break;
            case REDIS_REPLY_ERROR:
                out = "(error) " + std::string(r->str, r->len);
                break;
            default:
                out = r->str ? std::string(r->str, r->len) : "(array)";
        }
        freeReplyObject(r);
        return out;
    }
    redisContext* c;
};

// A redis-server of our own on 127.0.0.1 and a random free port, with a
// unix socket beside it; killed (and reaped) when this object goes, and by
// the kernel if the test process dies first (PR_SET_PDEATHSIG).
class redis_server {
public:
    explicit redis_server(std::vector<std::string> extra_args = {}) : extra_(std::move(extra_args)) {
        for (int attempt = 0;; ++attempt) {
            port_ = free_port();
            try {
                start();
                return;
            } catch (const port_taken&) {
                if (attempt == 2) throw std::runtime_error("redis-server: could not start on a free port");
            }
        }
    }
    ~redis_server() { stop(); }
    redis_server(const redis_server&) = delete;
    redis_server& operator=(const redis_server&) = delete;

    int port() const { return port_; }
    std::string unix_socket() const { return dir_ / "redis.sock"; }
    bool running() const { return pid_ > 0; }

    // Starts it (again, on the same port) and waits until it answers PING.
    void start() {
        std::vector<std::string> args{"redis-server",
                                      "--port",
                                      std::to_string(port_),
                                      "--bind",
                                      "127.0.0.1",
                                      "--save",
                                      "",
                                      "--appendonly",
                                      "no",
                                      "--daemonize",
                                      "no",
                                      "--dir",
                                      dir_.path().string(),
                                      "--unixsocket",
                                      unix_socket(),
                                      "--unixsocketperm",
                                      "700",
                                      "--logfile",
                                      dir_ / "redis.log"};
        args.insert(args.end(), extra_.begin(), extra_.end());
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        pid_t parent = getpid();
        pid_ = fork();
        if (pid_ < 0) throw std::runtime_error("fork failed");
        if (pid_ == 0) {
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (getppid() != parent) _exit(1);
            int null = open("/dev/null", O_RDWR);
            dup2(null, 0);
            dup2(null, 1);
            dup2(null, 2);
            execvp(argv[0], argv.data());
            _exit(127);
        }
        auto deadline = std::chrono::steady_clock::now() + 10s;
        while (std::chrono::steady_clock::now() < deadline) {
            int status = 0;
            if (waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
                    throw std::runtime_error(
                        "redis-server is not installed (or not on PATH); run scripts/install-deps");
                }
                throw port_taken();
            }
            raw_redis r(port_);
            if (r.ok()) {
                std::string pong = r.run({"PING"});
                if (pong == "PONG" || pong.starts_with("(error) NOAUTH")) return;  // answering
            }
            std::this_thread::sleep_for(20ms);
        }
        stop();
        throw std::runtime_error("redis-server did not answer PING within 10 s");
    }

    void stop() {
        if (pid_ <= 0) return;
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
        pid_ = -1;
    }

private:
    struct port_taken {};
    std::vector<std::string> extra_;
    temp_dir dir_;
    int port_ = 0;
    pid_t pid_ = -1;
};

// One server for the tests of a process, started on first use and stopped
// by the suites' TearDownTestSuite (ctest runs each test in its own process).
inline std::unique_ptr<redis_server>& shared_redis_slot() {
    static std::unique_ptr<redis_server> server;
    return server;
}
inline redis_server& shared_redis() {
    auto& server = shared_redis_slot();
    if (!server) server = std::make_unique<redis_server>();
    return *server;
}
inline void stop_shared_redis() {
    shared_redis_slot().reset();
}

enum class backend { memory, lmdb, redis };

inline std::string backend_name(backend b) {
    switch (b) {
        case backend::memory:
            return "memory";
        case backend::lmdb:
            return "lmdb";
        case backend::redis:
            return "redis";
    }
    return "unknown";
}

// For gtest's test names and messages: "redis", not "4-byte object".
inline void PrintTo(backend b, std::ostream* os) {
    *os << backend_name(b);
}

// Opens stores of one backend on one shared location: the same memory name,
// LMDB file or Redis server, so that several stores (prefixes, threads) see
// one another's data.
class backend_location {
public:
    explicit backend_location(backend b) : backend_(b) {
        static std::atomic<int> counter{0};
        memory_name_ = "store-test-" + std::to_string(++counter);
        if (b == backend::redis) {
            redis_port_ = shared_redis().port();
            raw_redis(redis_port_).run({"FLUSHALL"});
        }
    }

    store_config config(std::string prefix = "") const {
        store_config c;
        c.key_prefix = std::move(prefix);
        c.clock = clock_.function();
        switch (backend_) {
            case backend::memory:
                c.kind = store_kind::memory;
                c.path = memory_name_;
                break;
            case backend::lmdb:
                c.kind = store_kind::lmdb;
                c.path = dir_ / "state.mdb";
                c.lmdb_map_size = std::size_t{16} << 20;
                break;
            case backend::redis:
                c.kind = store_kind::redis;
                c.port = redis_port_;
                break;
        }
        return c;
    }

    std::unique_ptr<store> open(std::string prefix = "") const {
        return open_store(config(std::move(prefix)));
    }

    // Lets time pass: by the fake clock where the backend uses it, for real
    // (a little more, as Redis expires with millisecond precision) on Redis.
    void elapse(std::chrono::seconds s) {
        if (backend_ == backend::redis) {
            std::this_thread::sleep_for(s + 100ms);
        } else {
            clock_.advance(s);
        }
    }

    backend kind() const { return backend_; }
    const temp_dir& dir() const { return dir_; }

private:
    backend backend_;
    temp_dir dir_;
    fake_clock clock_;
    std::string memory_name_;
    int redis_port_ = 0;
};

}  // namespace sift::store::testing
