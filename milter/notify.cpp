#include "notify.hpp"

#include <systemd/sd-daemon.h>

#include <condition_variable>
#include <cstdint>
#include <ctime>
#include <mutex>
#include <stop_token>

namespace sift::milter::systemd {

void ready(const std::string& status) {
    sd_notify(0, ("READY=1\nSTATUS=" + status).c_str());
}

void reloading() {
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    auto usec = std::uint64_t(now.tv_sec) * 1'000'000 + std::uint64_t(now.tv_nsec) / 1000;
    sd_notify(0, ("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec)).c_str());
}

void reload_done() {
    sd_notify(0, "READY=1");
}

void stopping(const std::string& status) {
    sd_notify(0, ("STOPPING=1\nSTATUS=" + status).c_str());
}

watchdog::watchdog() {
    std::uint64_t usec = 0;
    if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return;
    interval_ = std::chrono::microseconds(usec / 2);
    thread_ = std::jthread([every = interval_](std::stop_token stop) {
        std::mutex m;
        std::condition_variable_any cv;
        std::unique_lock lock(m);
        while (!stop.stop_requested()) {
            sd_notify(0, "WATCHDOG=1");
            cv.wait_for(lock, stop, every, [] { return false; });
        }
    });
}

watchdog::~watchdog() = default;

}  // namespace sift::milter::systemd
