// sift-milter's counters for the Prometheus metrics endpoint (docs/MILTER.md,
// "Metrics"): messages and recipients by verdict, the end-of-message
// latency, refusals before the content, temporary failures by cause,
// reloads and the snapshot generation. Thread-safe: every libmilter worker
// counts, the HTTP thread reads. The metric types and the text exposition
// format are prometheus-cpp's core library (Debian prometheus-cpp-dev);
// nothing of it shows in this header.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace sift::milter {

class metrics {
public:
    metrics();
    ~metrics();
    metrics(const metrics&) = delete;
    metrics& operator=(const metrics&) = delete;

    // One message decided at end-of-message: its verdict (plan outcome:
    // accept, refuse, tempfail, discard) and the seconds end-of-message took.
    void message(std::string_view verdict, double eom_seconds);
    // One recipient's verdict (sift's: deliver, discard, refuse, tempfail...).
    void recipient(std::string_view verdict);
    // A reply before end-of-message at `stage` (helo, mail, rcpt, header,
    // body): a refusal, or a temporary failure.
    void early(std::string_view stage, bool tempfail);
    // A temporary failure by cause: "internal_error" (an exception, a
    // failed libmilter call, an unreachable store), "policy" (the scripts
    // said so), "rcpt_deferred" (a recipient sent to its own transaction).
    void tempfail(std::string_view cause);
    // A reload that took (`ok`) or was refused; `generation` is the
    // snapshot current afterwards.
    void reload(bool ok, std::uint64_t generation);

    // Everything in the Prometheus text exposition format 0.0.4, with the
    // outbox's queue length as a gauge.
    std::string exposition(std::uint64_t outbox_queued) const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace sift::milter
