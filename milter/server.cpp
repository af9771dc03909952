#include "server.hpp"

#include "callbacks.hpp"
#include "conversation.hpp"
#include "protocol.hpp"

#include <sift/json.hpp>

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <thread>

namespace sift::milter {

namespace {

std::runtime_error failure(const std::string& spec, const std::string& what) {
    return std::runtime_error("--listen " + spec + ": " + what + ": " + std::strerror(errno));
}

int unix_listener(const std::string& spec, const std::string& path, int backlog) {
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    if (path.empty() || path.size() >= sizeof sa.sun_path)
        throw std::runtime_error("--listen " + spec + ": the path is empty or longer than " +
                                 std::to_string(sizeof sa.sun_path - 1) + " bytes");
    std::memcpy(sa.sun_path, path.c_str(), path.size() + 1);
    // One left by an earlier run (a socket, nothing else) is removed.
    struct stat st {};
    if (lstat(path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode)) unlink(path.c_str());
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw failure(spec, "socket");
    if (bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0 || listen(fd, backlog) != 0) {
        auto e = failure(spec, "bind");
        close(fd);
        throw e;
    }
    return fd;
}

bool send_all(int fd, std::string_view out) {
    while (!out.empty()) {
        ssize_t n = send(fd, out.data(), out.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        out.remove_prefix(std::size_t(n));
    }
    return true;
}

}  // namespace

int tcp_listener(const std::string& spec, int backlog) {
    bool v6 = spec.starts_with("inet6:");
    std::string rest = spec.substr(v6 ? 6 : 5);
    auto at = rest.find('@');
    std::string port = rest.substr(0, at);
    std::string host = at == std::string::npos ? (v6 ? "::1" : "127.0.0.1") : rest.substr(at + 1);
    if (v6 && host.size() > 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    addrinfo hints{};
    hints.ai_family = v6 ? AF_INET6 : AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV | AI_PASSIVE;
    addrinfo* found = nullptr;
    if (int rc = getaddrinfo(host.c_str(), port.c_str(), &hints, &found); rc != 0)
        throw std::runtime_error("--listen " + spec + ": " + gai_strerror(rc));
    std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> guard(found, freeaddrinfo);
    int fd = socket(found->ai_family, found->ai_socktype | SOCK_CLOEXEC, 0);
    if (fd < 0) throw failure(spec, "socket");
    int one = 1;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0 ||
        bind(fd, found->ai_addr, found->ai_addrlen) != 0 || listen(fd, backlog) != 0) {
        auto e = failure(spec, "bind");
        close(fd);
        throw e;
    }
    return fd;
}

milter_server::milter_server(const engine& e, server_options o) : engine_(e), options_(std::move(o)) {
    const auto& spec = options_.listen;
    if (spec.starts_with("inet:") || spec.starts_with("inet6:")) {
        listen_fd_ = tcp_listener(spec, options_.backlog);
        tcp_ = true;
    } else if (spec.starts_with("unix:") || spec.starts_with("local:")) {
        unix_path_ = spec.substr(spec.find(':') + 1);
        listen_fd_ = unix_listener(spec, unix_path_, options_.backlog);
    } else if (spec.starts_with("fd:")) {
        // A listening socket made by whoever started the daemon.
        std::size_t used = 0;
        int fd = -1;
        try {
            fd = std::stoi(spec.substr(3), &used);
        } catch (const std::exception&) {
        }
        if (fd < 0 || used != spec.size() - 3)
            throw std::runtime_error("--listen " + spec + ": not a descriptor");
        sockaddr_storage sa{};
        socklen_t len = sizeof sa;
        int listening = 0;
        socklen_t optlen = sizeof listening;
        if (getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len) != 0 ||
            getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &optlen) != 0 || !listening)
            throw std::runtime_error("--listen " + spec + ": not a listening socket");
        tcp_ = sa.ss_family == AF_INET || sa.ss_family == AF_INET6;
        listen_fd_ = fd;
    } else {
        throw std::runtime_error("--listen takes inet:PORT@HOST, inet6:PORT@HOST, unix:PATH or fd:N, not " +
                                 spec);
    }
    stop_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (stop_fd_ < 0) {
        close(listen_fd_);
        throw std::runtime_error(std::string("eventfd: ") + std::strerror(errno));
    }
}

milter_server::~milter_server() {
    if (listen_fd_ >= 0) close(listen_fd_);
    if (stop_fd_ >= 0) close(stop_fd_);
}

void milter_server::stop() {
    std::uint64_t one = 1;
    {
        std::lock_guard lock(mutex_);
        if (!stopping_) {
            stopping_ = true;
            stop_deadline_ = std::chrono::steady_clock::now() + options_.grace;
        }
        // Each connection waiting between messages wakes from its read
        // (it returns 0) and is closed; one in a message reads on, and is
        // closed once that message is answered (serve).
        for (auto [fd, idle] : connections_)
            if (idle) shutdown(fd, SHUT_RD);
    }
    // Wakes run() (an eventfd stays readable).
    [[maybe_unused]] auto n = write(stop_fd_, &one, sizeof one);
    changed_.notify_all();
    queued_.notify_all();
}

void milter_server::reap_threads() {
    // Called with mutex_ held: a thread in finished_ has let go of it and
    // only returns, so joining it here waits for nothing else.
    for (auto id : finished_)
        for (auto it = threads_.begin(); it != threads_.end(); ++it)
            if (it->get_id() == id) {
                it->join();
                threads_.erase(it);
                break;
            }
    finished_.clear();
}

void milter_server::worker() {
    std::unique_lock lock(mutex_);
    while (true) {
        ++idle_threads_;
        queued_.wait_for(lock, options_.idle_thread, [&] { return stopping_ || !queue_.empty(); });
        --idle_threads_;
        if (queue_.empty()) break;  // idle for too long, or stopping with nothing queued
        int fd = queue_.front();
        queue_.pop_front();
        lock.unlock();
        serve(fd);
        lock.lock();
    }
    finished_.push_back(std::this_thread::get_id());
    changed_.notify_all();
}

void milter_server::run() {
    timeval rcvtimeo{};
    rcvtimeo.tv_sec = options_.timeout.count();
    while (true) {
        {
            // At the limit, the next connections wait in the backlog.
            std::unique_lock lock(mutex_);
            changed_.wait(lock, [&] { return stopping_ || connections_.size() < options_.max_connections; });
            if (stopping_) break;
            reap_threads();
        }
        pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR) continue;
            log_line(std::string("sift-milter: poll: ") + std::strerror(errno));
            break;
        }
        if (fds[1].revents) break;
        if (!(fds[0].revents & POLLIN)) continue;
        int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
                log_line(std::string("sift-milter: accept: ") + std::strerror(errno) + " (waiting 100 ms)");
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
            }
            continue;  // EINTR, ECONNABORTED, EAGAIN...
        }
        if (tcp_) {
            int one = 1;
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        }
        // --timeout: a read that waits this long fails with EAGAIN (serve).
        if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &rcvtimeo, sizeof rcvtimeo) != 0) {
            log_line(std::string("sift-milter: SO_RCVTIMEO: ") + std::strerror(errno));
            close(fd);
            continue;
        }
        bool spawn = false;
        {
            std::lock_guard lock(mutex_);
            connections_[fd] = true;  // no message yet
            queue_.push_back(fd);
            // A thread of the pool takes it, or a new one when none is free.
            spawn = idle_threads_ < queue_.size();
            if (spawn) {
                try {
                    threads_.emplace_back([this] { worker(); });
                } catch (const std::exception& e) {
                    queue_.pop_back();
                    connections_.erase(fd);
                    close(fd);
                    log_line(std::string("sift-milter: no thread for a connection: ") + e.what());
                }
            }
        }
        // Woken after the lock is let go, so that the thread does not wake
        // only to wait for it.
        if (!spawn) queued_.notify_one();
    }
    // Stopping: no new connection; the listening socket goes now, so that
    // a restart can bind at once.
    close(listen_fd_);
    listen_fd_ = -1;
    if (!unix_path_.empty()) unlink(unix_path_.c_str());
    std::unique_lock lock(mutex_);
    if (!stopping_) {
        stopping_ = true;
        stop_deadline_ = std::chrono::steady_clock::now() + options_.grace;
    }
    queued_.notify_all();
    if (!changed_.wait_until(lock, stop_deadline_, [&] { return connections_.empty(); })) {
        // Past the grace: the rest are cut off (their messages are not
        // accepted: the MTA applies its default action, a tempfail).
        log_line("sift-milter: " + std::to_string(connections_.size()) +
                 " connection(s) still in a message after the grace period: closed");
        for (auto [fd, idle] : connections_) shutdown(fd, SHUT_RDWR);
        changed_.wait(lock, [&] { return connections_.empty(); });
    }
    // Every thread ends once nothing is queued and stopping_ is set.
    changed_.wait(lock, [&] { return finished_.size() == threads_.size(); });
    reap_threads();
}

void milter_server::connection_done(int fd) {
    {
        // Out of connections_ before the descriptor can be reused.
        std::lock_guard lock(mutex_);
        connections_.erase(fd);
    }
    close(fd);
    changed_.notify_all();
}

void milter_server::serve(int fd) {
    try {
        // Over TCP every segment of the MTA's is ACKed at once (TCP_QUICKACK
        // after each read, below), so the steps may go unanswered as over
        // a unix socket: the MTA's next small write does not wait for a
        // delayed ACK (Nagle), the stall protocol_steps avoids otherwise.
        conversation conv(engine_, false);
        std::string in, out;
        std::size_t start = 0;  // the first byte of `in` not handled yet
        constexpr std::size_t read_size = 64 * 1024 + 16;
        // Not value-initialised (make_unique would zero the 64 KB for every
        // connection: 65k instructions, an eighth of all a message cost the
        // milter with the default policy, callgrind through Postfix).
        auto buf = std::make_unique_for_overwrite<char[]>(read_size);
        while (true) {
            // Every whole packet read so far, then one write for all answers.
            bool open = true;
            while (open) {
                proto::packet p;
                std::size_t used = 0;
                try {
                    used = proto::read_packet(std::string_view(in).substr(start), p);
                } catch (const proto::protocol_error& e) {
                    // The length is broken: what follows cannot be framed.
                    log_line(std::string("{\"milter\":\"protocol_error\",\"error\":") +
                             json::quote(e.what()) +
                             ",\"in_message\":" + (conv.in_message() ? "true" : "false") + "}");
                    if (conv.in_message()) proto::put_packet(out, proto::reply::tempfail);
                    open = false;
                    break;
                }
                if (used == 0) break;
                open = conv.handle(p, out);
                start += used;
            }
            if (!out.empty() && !send_all(fd, out)) break;
            out.clear();
            if (!open) break;
            if (start == in.size()) {
                in.clear();
                start = 0;
            } else if (start > read_size) {
                in.erase(0, start);
                start = 0;
            }
            // Wait for more. Between messages, stop() wakes the read (it
            // shuts the socket down for reading); a stop before the read
            // closes the connection here. The wait is bounded by the
            // socket's SO_RCVTIMEO (--timeout, set at accept).
            bool idle = !conv.in_message() && start == in.size();
            {
                std::lock_guard lock(mutex_);
                if (stopping_ && idle) break;
                connections_[fd] = idle;
            }
            ssize_t got = read(fd, buf.get(), read_size);
            if (got < 0 && errno == EINTR) continue;
            if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
                log_line("{\"milter\":\"timeout\",\"in_message\":" +
                         std::string(conv.in_message() ? "true" : "false") + "}");
                break;
            }
            if (got <= 0) break;  // the MTA closed (or the connection broke, or stop())
            in.append(buf.get(), std::size_t(got));
            if (tcp_) {
                // Linux leaves quick-ACK mode on its own: set again each time.
                int one = 1;
                setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
            }
        }
    } catch (const std::exception& e) {
        log_line(std::string("{\"milter\":\"connection_error\",\"error\":") + json::quote(e.what()) + "}");
    } catch (...) {
    }
    connection_done(fd);
}

}  // namespace sift::milter
