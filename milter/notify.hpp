// systemd's service notifications (sd_notify, Debian's libsystemd-dev),
// for a unit with Type=notify (milter/sift-milter.service.in;
// docs/MILTER.md, "systemd"). Outside systemd (no NOTIFY_SOCKET) each
// call does nothing.
#pragma once

#include <chrono>
#include <string>
#include <thread>

namespace sift::milter::systemd {

// READY=1 with a STATUS line: listening (or reloaded: reload_done).
void ready(const std::string& status);
// RELOADING=1 (with MONOTONIC_USEC), then READY=1 once it is done.
void reloading();
void reload_done();
// STOPPING=1: the stop signal came; messages under way are finishing.
void stopping(const std::string& status);

// WATCHDOG=1 every half of WatchdogSec, when the unit sets it
// (sd_watchdog_enabled), from a thread of its own until destroyed.
class watchdog {
public:
    watchdog();
    ~watchdog();
    bool enabled() const { return interval_.count() > 0; }

private:
    std::chrono::microseconds interval_{0};
    std::jthread thread_;
};

}  // namespace sift::milter::systemd
