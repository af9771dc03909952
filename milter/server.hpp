// Sift's own milter server: listens where the MTA connects and runs one
// conversation (conversation.hpp) per connection on a thread of a pool
// with blocking I/O: each protocol step is one read, the session logic,
// one write, on one thread, with none of libmilter's hand-offs between a
// poll thread and a worker pool (docs/PERFORMANCE.md, "Through Postfix").
// A thread serves one connection from start to end, then waits for the
// next one (Postfix opens a milter connection per SMTP session), and ends
// after a minute without one.
#pragma once

#include "engine.hpp"

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <list>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sift::milter {

struct server_options {
    // inet:PORT@HOST, inet6:PORT@HOST, unix:PATH (or local:PATH), fd:N.
    std::string listen;
    std::size_t max_connections = 1000;  // more wait in the listen backlog
    // A connection that sends nothing for this long is closed (libmilter's
    // default, 7210 s: longer than any MTA keeps an idle session): the
    // socket's SO_RCVTIMEO, set once.
    std::chrono::seconds timeout{7210};
    // A pool thread with no connection for this long ends.
    std::chrono::milliseconds idle_thread{60000};
    // After stop(): how long messages under way may take to finish.
    std::chrono::seconds grace{60};
    int backlog = 4096;  // Postfix tempfails at once when a unix socket's is full
};

// A listening TCP socket for inet:PORT@HOST or inet6:PORT@HOST (HOST
// defaults to loopback) with SO_REUSEADDR and TCP_NODELAY, which accepted
// sockets inherit. Throws std::runtime_error naming `spec` and the reason.
int tcp_listener(const std::string& spec, int backlog);

class milter_server {
public:
    // Binds and listens (a unix socket left over is removed first); throws
    // std::runtime_error with the reason.
    milter_server(const engine& e, server_options o);
    ~milter_server();
    milter_server(const milter_server&) = delete;
    milter_server& operator=(const milter_server&) = delete;

    bool tcp() const { return tcp_; }

    // Accepts and serves until stop(); then closes the listening socket,
    // lets each connection finish the message under way (at most `grace`),
    // closes the idle ones, and returns when every connection is done.
    void run();
    // From any thread (a signal thread): run() returns soon after.
    void stop();

private:
    void worker();
    void serve(int fd);
    void connection_done(int fd);
    void reap_threads();

    const engine& engine_;
    server_options options_;
    bool tcp_ = false;
    int listen_fd_ = -1;
    int stop_fd_ = -1;  // an eventfd, readable once stop() was called
    std::string unix_path_;

    std::mutex mutex_;
    std::condition_variable changed_;  // a connection or a thread ended, or stop()
    std::condition_variable queued_;   // a connection for the pool, or stop()
    // Every connection accepted and not closed yet (queued or served), and
    // whether it waits for the MTA between messages: stop() shuts those
    // down for reading, which wakes their thread from its read.
    std::map<int, bool> connections_;
    std::deque<int> queue_;  // accepted, no thread on it yet
    std::list<std::thread> threads_;
    std::vector<std::thread::id> finished_;  // threads_ that ended, to be joined
    std::size_t idle_threads_ = 0;
    bool stopping_ = false;
    std::chrono::steady_clock::time_point stop_deadline_;
};

}  // namespace sift::milter
