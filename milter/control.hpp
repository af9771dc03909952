// What starts a reload and serves the metrics, beside libmilter's threads
// (docs/MILTER.md, "Reload" and "Metrics"): a poller that reloads when a
// watched file changes, a thread that reloads on SIGUSR1, and a small
// HTTP/1.0 server on loopback for GET /metrics and POST /reload. None of
// them touches a connection: a reload swaps the engine's snapshot and
// messages under way keep theirs.
#pragma once

#include "engine.hpp"

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace sift::milter {

// Polls the current snapshot's watched files every `every` and reloads
// when they differ from what the snapshot was built from and look the same
// two polls in a row (once per change: a file that does not compile is not
// retried until it changes again).
class file_watcher {
public:
    file_watcher(engine& e, std::chrono::milliseconds every);
    ~file_watcher();  // stops and joins the thread

private:
    std::jthread thread_;
};

// Blocks SIGUSR1 (reload), and SIGHUP, SIGTERM and SIGINT (smfi_main's
// signal thread takes those with sigwait and stops in order) in the
// calling thread and so in every thread it starts afterwards: called
// first in main, before the outbox's, these and libmilter's threads, or a
// SIGTERM delivered to one of them kills the process unordered.
void block_signals();

// Reloads on each of `signals` (SIGUSR1; Sift's own loop adds SIGHUP,
// which libmilter's smfi_main keeps as a stop), taken by sigtimedwait;
// each must be blocked (see block_signals).
class signal_reloader {
public:
    signal_reloader(engine& e, std::initializer_list<int> signals);
    ~signal_reloader();

private:
    std::jthread thread_;
};

// --metrics HOST:PORT: an IPv4 address or [IPv6] and a port (0: any free
// one). Throws std::invalid_argument for anything else, and for an address
// that is not loopback unless `allow_remote`.
struct listen_address {
    std::string host;
    std::uint16_t port = 0;
    bool v6 = false;
};
listen_address parse_metrics_address(std::string_view spec, bool allow_remote);

// GET /metrics: the engine's metrics (text/plain; version=0.0.4); POST
// /reload: a reload, answered 200 with its JSON line when it took, 422
// when it was refused; anything else 404 or 405. One request per
// connection (HTTP/1.0), read with a 2 s limit, one connection at a time.
class metrics_server {
public:
    metrics_server(engine& e, const listen_address& where);  // throws std::runtime_error
    ~metrics_server();
    std::uint16_t port() const { return port_; }  // the one bound

private:
    void serve(std::stop_token stop);
    void answer(int fd);
    engine& engine_;
    int fd_ = -1;
    std::uint16_t port_ = 0;
    std::jthread thread_;
};

}  // namespace sift::milter
