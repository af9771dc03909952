#include "control.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <stdexcept>

namespace sift::milter {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

file_watcher::file_watcher(engine& e, std::chrono::milliseconds every)
    : thread_([&e, every](std::stop_token stop) {
          std::vector<std::int64_t> previous, tried;
          std::mutex m;
          std::condition_variable_any cv;
          while (!stop.stop_requested()) {
              {
                  std::unique_lock lock(m);
                  cv.wait_for(lock, stop, every, [] { return false; });
              }
              if (stop.stop_requested()) break;
              // Against what the current snapshot was built from (whatever
              // triggered it), so a change already loaded is not loaded
              // again; only once the files look the same two polls in a row
              // (a file being written is not read half-way); and not again
              // for a change whose reload was refused.
              auto snap = e.current();
              auto look = fingerprint(snap->watched);
              bool settled = look == previous;
              previous = look;
              if (!settled || look == snap->fingerprint || look == tried) continue;
              tried = e.reload("files").ok ? std::vector<std::int64_t>{} : look;
          }
      }) {}

file_watcher::~file_watcher() = default;

namespace {

sigset_t signal_set(std::initializer_list<int> signals) {
    sigset_t set;
    sigemptyset(&set);
    for (int sig : signals) sigaddset(&set, sig);
    return set;
}

}  // namespace

void block_signals() {
    sigset_t set;
    sigemptyset(&set);
    for (int sig : {SIGUSR1, SIGHUP, SIGTERM, SIGINT}) sigaddset(&set, sig);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

signal_reloader::signal_reloader(engine& e, std::initializer_list<int> signals)
    : thread_([&e, set = signal_set(signals)](std::stop_token stop) {
          // A timed wait, so that the destructor's stop is seen within 200 ms.
          timespec wait{0, 200'000'000};
          while (!stop.stop_requested())
              if (sigtimedwait(&set, nullptr, &wait) > 0) e.reload("signal");
      }) {}

signal_reloader::~signal_reloader() = default;

listen_address parse_metrics_address(std::string_view spec, bool allow_remote) {
    auto bad = [&](const std::string& why) {
        return std::invalid_argument("--metrics " + std::string(spec) + ": " + why);
    };
    listen_address a;
    std::string_view port;
    if (spec.starts_with("[")) {
        auto close = spec.find("]:");
        if (close == std::string_view::npos) throw bad("takes [IPV6]:PORT or IPV4:PORT");
        a.host = std::string(spec.substr(1, close - 1));
        port = spec.substr(close + 2);
        a.v6 = true;
    } else {
        auto colon = spec.rfind(':');
        if (colon == std::string_view::npos) throw bad("takes IPV4:PORT or [IPV6]:PORT");
        a.host = std::string(spec.substr(0, colon));
        port = spec.substr(colon + 1);
    }
    if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string_view::npos ||
        std::stoul(std::string(port)) > 65535)
        throw bad("bad port");
    a.port = std::uint16_t(std::stoul(std::string(port)));
    bool loopback = false;
    if (a.v6) {
        in6_addr x{};
        if (inet_pton(AF_INET6, a.host.c_str(), &x) != 1) throw bad("not an IPv6 address: " + a.host);
        loopback = IN6_IS_ADDR_LOOPBACK(&x);
    } else {
        in_addr x{};
        if (inet_pton(AF_INET, a.host.c_str(), &x) != 1) throw bad("not an IPv4 address: " + a.host);
        loopback = (ntohl(x.s_addr) >> 24) == 127;
    }
    if (!loopback && !allow_remote)
        throw bad(
            "not a loopback address (the endpoint has no authentication and POST /reload; "
            "--metrics-allow-remote to serve it anyway)");
    return a;
}

metrics_server::metrics_server(engine& e, const listen_address& where) : engine_(e) {
    sockaddr_storage ss{};
    socklen_t len = 0;
    if (where.v6) {
        auto* s6 = reinterpret_cast<sockaddr_in6*>(&ss);
        s6->sin6_family = AF_INET6;
        s6->sin6_port = htons(where.port);
        inet_pton(AF_INET6, where.host.c_str(), &s6->sin6_addr);
        len = sizeof *s6;
    } else {
        auto* s4 = reinterpret_cast<sockaddr_in*>(&ss);
        s4->sin_family = AF_INET;
        s4->sin_port = htons(where.port);
        inet_pton(AF_INET, where.host.c_str(), &s4->sin_addr);
        len = sizeof *s4;
    }
    fd_ = ::socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    if (fd_ < 0 || ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        ::bind(fd_, reinterpret_cast<sockaddr*>(&ss), len) != 0 || ::listen(fd_, 64) != 0) {
        std::string why = std::strerror(errno);
        if (fd_ >= 0) ::close(fd_);
        throw std::runtime_error("--metrics " + where.host + ":" + std::to_string(where.port) + ": " + why);
    }
    sockaddr_storage bound{};
    socklen_t blen = sizeof bound;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&bound), &blen);
    port_ = ntohs(where.v6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                           : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
    thread_ = std::jthread([this](std::stop_token stop) { serve(stop); });
}

metrics_server::~metrics_server() {
    thread_.request_stop();
    if (thread_.joinable()) thread_.join();
    ::close(fd_);
}

void metrics_server::serve(std::stop_token stop) {
    while (!stop.stop_requested()) {
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, 200) <= 0) continue;
        int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (c < 0) continue;
        try {
            answer(c);
        } catch (...) {
            // A reply that could not be made or sent: the client sees the
            // connection closed; the daemon goes on.
        }
        ::close(c);
    }
}

namespace {

void send_all(int fd, const std::string& s) {
    for (std::size_t at = 0; at < s.size();) {
        auto n = ::send(fd, s.data() + at, s.size() - at, MSG_NOSIGNAL);
        if (n <= 0) return;
        at += std::size_t(n);
    }
}

std::string response(int code, std::string_view reason, std::string_view type, const std::string& body) {
    return "HTTP/1.0 " + std::to_string(code) + " " + std::string(reason) +
           "\r\nContent-Type: " + std::string(type) + "\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\nConnection: close\r\n\r\n" + body;
}

}  // namespace

void metrics_server::answer(int fd) {
    // The request line and headers, up to 8 KiB, within 2 s; no body is
    // read (POST /reload takes none).
    std::string req;
    auto deadline = std::chrono::steady_clock::now() + 2s;
    while (req.find("\r\n\r\n") == std::string::npos && req.find("\n\n") == std::string::npos) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline -
                                                                          std::chrono::steady_clock::now());
        if (left <= 0ms || req.size() > 8192) return;
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, int(left.count())) <= 0) return;
        char buf[2048];
        auto n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) break;
        req.append(buf, std::size_t(n));
    }
    auto line_end = req.find_first_of("\r\n");
    std::string_view line(req.data(), line_end == std::string::npos ? req.size() : line_end);
    auto sp1 = line.find(' ');
    auto sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
    if (sp1 == std::string_view::npos)
        return send_all(fd, response(400, "Bad Request", "text/plain", "bad request line\n"));
    auto method = line.substr(0, sp1);
    auto target =
        line.substr(sp1 + 1, sp2 == std::string_view::npos ? std::string_view::npos : sp2 - sp1 - 1);
    if (auto q = target.find('?'); q != std::string_view::npos) target = target.substr(0, q);
    if (target == "/metrics") {
        if (method != "GET" && method != "HEAD")
            return send_all(fd, response(405, "Method Not Allowed", "text/plain", "GET /metrics\n"));
        auto r = response(200, "OK", "text/plain; version=0.0.4; charset=utf-8",
                          engine_.stats().exposition(engine_.outbox_queued()));
        if (method == "HEAD") r.erase(r.find("\r\n\r\n") + 4);
        return send_all(fd, r);
    }
    if (target == "/reload") {
        if (method != "POST")
            return send_all(fd, response(405, "Method Not Allowed", "text/plain", "POST /reload\n"));
        auto r = engine_.reload("http");
        return send_all(fd, response(r.ok ? 200 : 422, r.ok ? "OK" : "Unprocessable Entity",
                                     "application/json", r.json + "\n"));
    }
    send_all(fd, response(404, "Not Found", "text/plain", "GET /metrics or POST /reload\n"));
}

}  // namespace sift::milter
