// sift-milter's outbox (milter/outbox.hpp) against a small SMTP relay on
// loopback that this test runs itself and scripts per connection: accept,
// 451, 550, or accept the connection and never answer.
#include "outbox.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <thread>

namespace sift::milter {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

int listen_on(int port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd, 16) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

int port_of(int fd) {
    sockaddr_in a{};
    socklen_t n = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &n);
    return ntohs(a.sin_port);
}

// A port nothing listens on (for now).
int free_port() {
    int fd = listen_on(0);
    int p = port_of(fd);
    ::close(fd);
    return p;
}

// The relay: for each DATA, the next of `answers` (250 once they run out);
// 0 means "take the connection, say nothing".
class fake_relay {
public:
    explicit fake_relay(std::vector<int> answers, int port = 0) : answers_(std::move(answers)) {
        fd_ = listen_on(port);
        if (fd_ < 0) throw std::runtime_error("fake relay: cannot listen");
        thread_ = std::thread([this] { serve(); });
    }
    ~fake_relay() {
        stop_ = true;
        thread_.join();
        ::close(fd_);
    }
    std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_of(fd_)); }
    struct delivery {
        std::string from, data;
        std::vector<std::string> rcpts;
    };
    std::vector<delivery> accepted() {
        std::lock_guard lock(mutex_);
        return accepted_;
    }

private:
    void serve() {
        while (!stop_) {
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, 50) <= 0) continue;
            int c = ::accept(fd_, nullptr, nullptr);
            if (c >= 0) {
                session(c);
                ::close(c);
            }
        }
    }
    bool send(int c, std::string_view s) { return ::write(c, s.data(), s.size()) == ssize_t(s.size()); }
    // Reads up to and including "\r\n"; false on end of connection or stop.
    bool line(int c, std::string& buf, std::string& out) {
        while (!stop_) {
            if (auto at = buf.find("\r\n"); at != std::string::npos) {
                out = buf.substr(0, at);
                buf.erase(0, at + 2);
                return true;
            }
            pollfd p{c, POLLIN, 0};
            if (::poll(&p, 1, 50) <= 0) continue;
            char chunk[4096];
            auto n = ::read(c, chunk, sizeof chunk);
            if (n <= 0) return false;
            buf.append(chunk, std::size_t(n));
        }
        return false;
    }
    void session(int c) {
        int answer = 250;
        {
            std::lock_guard lock(mutex_);
            if (next_ < answers_.size() && answers_[next_] == 0) {
                ++next_;
                while (!stop_) std::this_thread::sleep_for(20ms);  // silent until the test ends
                return;
            }
        }
        send(c, "220 fake ESMTP\r\n");
        std::string buf, l;
        delivery d;
        while (line(c, buf, l)) {
            auto verb = l.substr(0, 4);
            if (verb == "EHLO" || verb == "HELO")
                send(c, "250-fake\r\n250 OK\r\n");
            else if (verb == "MAIL")
                d.from = l.substr(10), send(c, "250 OK\r\n");
            else if (verb == "RCPT")
                d.rcpts.push_back(l.substr(8)), send(c, "250 OK\r\n");
            else if (verb == "DATA") {
                send(c, "354 go on\r\n");
                std::string body;
                while (line(c, buf, l) && l != ".") body += l + "\r\n";
                {
                    std::lock_guard lock(mutex_);
                    answer = next_ < answers_.size() ? answers_[next_++] : 250;
                    if (answer == 250) {
                        d.data = body;
                        accepted_.push_back(d);
                    }
                }
                send(c, answer == 250 ? "250 OK queued\r\n"
                                      : std::to_string(answer) +
                                            (answer >= 500 ? " 5.7.1 no\r\n" : " 4.3.0 later\r\n"));
                d = {};
            } else if (verb == "QUIT") {
                send(c, "221 bye\r\n");
                return;
            } else
                send(c, "250 OK\r\n");
        }
    }

    std::vector<int> answers_;
    std::size_t next_ = 0;
    int fd_ = -1;
    std::atomic<bool> stop_{false};
    std::mutex mutex_;
    std::vector<delivery> accepted_;
    std::thread thread_;
};

outgoing_message reply() {
    return {"",
            {"anna@example.org"},
            "From: bob@example.net\r\nTo: anna@example.org\r\nSubject: Auto: away\r\n\r\n"
            "I am away.\r\n.leading dot\r\n"};
}

struct OutboxTest : ::testing::Test {
    fs::path spool =
        fs::temp_directory_path() / ("sift-outbox-" + std::to_string(::getpid()) + "-" +
                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::mutex log_mutex;
    std::vector<std::string> log;
    std::function<void(const std::string&)> logger() {
        return [this](const std::string& s) {
            std::lock_guard lock(log_mutex);
            log.push_back(s);
        };
    }
    std::size_t spooled() {
        std::size_t n = 0;
        for (const auto& f : fs::directory_iterator(spool)) n += f.path().extension() == ".msg";
        return n;
    }
    void TearDown() override { fs::remove_all(spool); }
    outbox_config config(std::string relay) {
        return {.relay = std::move(relay), .spool = spool, .retry_first = 3600s, .timeout = 5s};
    }
    template <class F>
    bool eventually(F f) {
        for (int i = 0; i < 500; ++i) {
            if (f()) return true;
            std::this_thread::sleep_for(10ms);
        }
        return false;
    }
};

TEST_F(OutboxTest, SendsAQueuedMessageOnceWithTheNullSender) {
    fake_relay relay({});
    outbox box(config(relay.url()), logger());
    box.enqueue(reply(), "vacation", "4AbC");
    ASSERT_TRUE(box.drain(10s));
    auto got = relay.accepted();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].from, "<>");
    EXPECT_EQ(got[0].rcpts, std::vector<std::string>{"<anna@example.org>"});
    // On the wire with SMTP's dot-stuffing (RFC 5321 §4.5.2): the relay
    // un-stuffs, this fake one does not.
    EXPECT_NE(got[0].data.find("I am away.\r\n..leading dot\r\n"), std::string::npos) << got[0].data;
    EXPECT_EQ(box.stats().sent, 1u);
    EXPECT_EQ(spooled(), 0u);
}

TEST_F(OutboxTest, WaitsForARelayThatIsDownAndSendsWhenItIsBack) {
    int port = free_port();
    outbox box(config("smtp://127.0.0.1:" + std::to_string(port)), logger());
    box.enqueue(reply(), "vacation", "Q1");
    ASSERT_TRUE(eventually([&] { return box.stats().deferred >= 1; }));
    EXPECT_EQ(box.stats().queued, 1u);
    EXPECT_EQ(spooled(), 1u);  // still on disk while it waits
    fake_relay relay({}, port);
    box.retry_now();
    ASSERT_TRUE(box.drain(10s));
    EXPECT_EQ(relay.accepted().size(), 1u);
    EXPECT_EQ(spooled(), 0u);
}

TEST_F(OutboxTest, RetriesAfter4xxAndDropsAfter5xx) {
    fake_relay relay({451, 250, 550});
    outbox box(config(relay.url()), logger());
    box.enqueue(reply(), "vacation", "Q1");
    ASSERT_TRUE(eventually([&] { return box.stats().deferred == 1; }));
    box.retry_now();
    ASSERT_TRUE(box.drain(10s));
    EXPECT_EQ(relay.accepted().size(), 1u);
    box.enqueue(reply(), "notify", "Q2");
    ASSERT_TRUE(box.drain(10s));
    auto s = box.stats();
    EXPECT_EQ(s.sent, 1u);
    EXPECT_EQ(s.dropped, 1u);
    EXPECT_EQ(relay.accepted().size(), 1u);
    std::lock_guard lock(log_mutex);
    EXPECT_TRUE(std::any_of(log.begin(), log.end(), [](const std::string& l) {
        return l.find("notify for Q2") != std::string::npos && l.find("dropped") != std::string::npos &&
               l.find("550") != std::string::npos;
    }));
}

TEST_F(OutboxTest, TheSpoolOutlivesTheProcess) {
    int port = free_port();
    {
        outbox box(config("smtp://127.0.0.1:" + std::to_string(port)), logger());
        box.enqueue(reply(), "vacation", "Q1");
        ASSERT_TRUE(eventually([&] { return box.stats().deferred >= 1; }));
    }
    EXPECT_EQ(spooled(), 1u);
    fake_relay relay({}, port);
    auto c = config("smtp://127.0.0.1:" + std::to_string(port));
    outbox again(c, logger());  // reads the spool; its retry time has not come
    again.retry_now();
    ASSERT_TRUE(again.drain(10s));
    ASSERT_EQ(relay.accepted().size(), 1u);
    EXPECT_EQ(relay.accepted()[0].rcpts, std::vector<std::string>{"<anna@example.org>"});
}

TEST_F(OutboxTest, EnqueueDoesNotWaitForAHangingRelay) {
    fake_relay relay({0});  // takes the first connection and never answers
    auto c = config(relay.url());
    c.timeout = 2s;
    outbox box(c, logger());
    box.enqueue(reply(), "vacation", "Q1");
    // The sender is now stuck in its attempt; queuing more still works.
    std::this_thread::sleep_for(100ms);
    box.enqueue(reply(), "vacation", "Q2");
    box.enqueue(reply(), "vacation", "Q3");
    EXPECT_EQ(box.stats().queued, 3u);
    EXPECT_EQ(box.stats().sent, 0u);
    EXPECT_EQ(spooled(), 3u);
}

TEST_F(OutboxTest, RefusesASpoolItCannotCreate) {
    EXPECT_THROW(outbox(outbox_config{}, logger()), std::runtime_error);  // no spool
    auto c = config("smtp://127.0.0.1:1");
    c.spool = "/proc/sift-cannot-be-here";
    EXPECT_THROW(outbox(c, logger()), std::runtime_error);
}

}  // namespace
}  // namespace sift::milter
