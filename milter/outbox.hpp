// The messages sift-milter sends on a script's behalf (vacation replies,
// notifications: sift::outgoing_message) leave through an outbox: queued
// to a spool directory and sent to an SMTP relay (the local MTA) by a
// thread of its own, so the SMTP dialogue that produced them never waits
// for the relay, and retried with a growing delay while the relay is down
// or answers 4xx. A message the relay refuses for good (5xx) or that is
// still unsent after `give_up_after` is dropped, and the log says so. The
// spool survives a restart: what was queued is sent after it.
//
// SMTP through libcurl (Debian libcurl4-openssl-dev), not by hand.
#pragma once

#include <sift/result.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sift::milter {

struct outbox_config {
    std::string relay = "smtp://127.0.0.1:25";  // smtp://HOST:PORT
    std::filesystem::path spool;                // required: created if missing
    std::chrono::seconds retry_first{30};       // then doubling, up to retry_max
    std::chrono::seconds retry_max{std::chrono::hours(1)};
    std::chrono::seconds give_up_after{std::chrono::hours(5 * 24)};
    std::chrono::seconds timeout{30};  // one delivery attempt
};

// The name the outbox gives in EHLO, libcurl's rule: the relay URL's path
// (smtp://HOST:PORT/NAME), else this host's name (gethostname, which is
// often not fully qualified: "vm"), else "localhost".
std::string relay_helo(std::string_view relay);

class outbox {
public:
    // Reads what the spool holds from an earlier run and starts the sender.
    // Throws std::runtime_error when the spool cannot be created or read.
    outbox(outbox_config c, std::function<void(const std::string&)> log);
    // Stops the sender (an attempt under way finishes); the spool stays.
    ~outbox();
    outbox(const outbox&) = delete;
    outbox& operator=(const outbox&) = delete;

    // Writes the message to the spool (written whole, then renamed into
    // place, so a crash leaves it whole or absent) and wakes the sender;
    // `why` ("vacation", "notify") and `queue_id` go into the log lines.
    // Throws std::runtime_error when the spool cannot be written.
    void enqueue(const outgoing_message& m, std::string_view why, std::string_view queue_id);

    struct counters {
        std::uint64_t queued = 0;    // waiting now
        std::uint64_t sent = 0;      // accepted by the relay
        std::uint64_t deferred = 0;  // attempts that failed for now (to be retried)
        std::uint64_t dropped = 0;   // refused for good or expired
    };
    counters stats() const;

    // Until nothing is queued (true) or `limit` passes (false). For tests
    // and an orderly stop.
    bool drain(std::chrono::milliseconds limit);
    // Try every queued message now, whatever its retry time (a control
    // command, and tests).
    void retry_now();

private:
    struct entry {
        std::filesystem::path file;
        outgoing_message message;
        std::string why, queue_id;
        std::chrono::system_clock::time_point queued_at, next_attempt;
        int attempts = 0;
    };
    void run();
    void attempt(entry& e);
    void save(const entry& e) const;
    static entry load(const std::filesystem::path& file);

    outbox_config config_;
    std::function<void(const std::string&)> log_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::condition_variable drained_;
    std::vector<entry> queue_;
    counters counters_;
    std::uint64_t sequence_ = 0;
    bool stopping_ = false;
    std::thread sender_;
};

}  // namespace sift::milter
