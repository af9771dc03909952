#include "metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <map>
#include <mutex>

namespace sift::milter {

namespace {

// End-of-message is sub-millisecond work on this machine's default policy
// (docs/PERFORMANCE.md): buckets from 50 µs up, and a few for the slow
// tail (a large body, a slow store) up to 5 s.
const prometheus::Histogram::BucketBoundaries eom_buckets{
    0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};

// Counters of one family by label value: the values known beforehand are
// made at construction (so they show as 0 before the first message), any
// other on first use.
template <class T>
class labelled {
public:
    labelled(prometheus::Family<T>& f, std::string label, std::initializer_list<std::string_view> known)
        : family_(f), label_(std::move(label)) {
        for (auto v : known) get(v);
    }
    T& get(std::string_view value) {
        std::lock_guard lock(mutex_);
        auto it = by_value_.find(value);
        if (it != by_value_.end()) return *it->second;
        T& m = family_.Add({{label_, std::string(value)}});
        by_value_.emplace(std::string(value), &m);
        return m;
    }

private:
    prometheus::Family<T>& family_;
    std::string label_;
    std::mutex mutex_;
    std::map<std::string, T*, std::less<>> by_value_;
};

}  // namespace

struct metrics::impl {
    std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
    labelled<prometheus::Counter> messages{prometheus::BuildCounter()
                                               .Name("sift_milter_messages_total")
                                               .Help("Messages decided at end-of-message, by verdict")
                                               .Register(*registry),
                                           "verdict",
                                           {"accept", "refuse", "tempfail", "discard"}};
    labelled<prometheus::Counter> recipients{
        prometheus::BuildCounter()
            .Name("sift_milter_recipients_total")
            .Help("Recipients decided at end-of-message, by their verdict")
            .Register(*registry),
        "verdict",
        {"deliver", "discard", "refuse", "tempfail"}};
    prometheus::Histogram& eom_seconds =
        prometheus::BuildHistogram()
            .Name("sift_milter_eom_seconds")
            .Help("Seconds spent at end-of-message: the scripts, the plan, the edits")
            .Register(*registry)
            .Add({}, eom_buckets);
    prometheus::Family<prometheus::Counter>& early_family =
        prometheus::BuildCounter()
            .Name("sift_milter_early_replies_total")
            .Help("Refusals and temporary failures before end-of-message, by stage")
            .Register(*registry);
    std::mutex early_mutex;
    labelled<prometheus::Counter> tempfails{prometheus::BuildCounter()
                                                .Name("sift_milter_tempfails_total")
                                                .Help("Temporary failures answered, by cause")
                                                .Register(*registry),
                                            "cause",
                                            {"internal_error", "policy", "rcpt_deferred"}};
    labelled<prometheus::Counter> reloads{prometheus::BuildCounter()
                                              .Name("sift_milter_reloads_total")
                                              .Help("Reloads of the configuration and policy, by result")
                                              .Register(*registry),
                                          "result",
                                          {"ok", "failed"}};
    prometheus::Gauge& generation = prometheus::BuildGauge()
                                        .Name("sift_milter_snapshot_generation")
                                        .Help("The current snapshot's generation (1 at startup)")
                                        .Register(*registry)
                                        .Add({});
    prometheus::Gauge& outbox = prometheus::BuildGauge()
                                    .Name("sift_milter_outbox_queued")
                                    .Help("Replies waiting in the outbox for the relay")
                                    .Register(*registry)
                                    .Add({});
};

metrics::metrics() : impl_(std::make_unique<impl>()) {
    impl_->generation.Set(1);
}

metrics::~metrics() = default;

void metrics::message(std::string_view verdict, double eom_seconds) {
    impl_->messages.get(verdict).Increment();
    impl_->eom_seconds.Observe(eom_seconds);
}

void metrics::recipient(std::string_view verdict) {
    impl_->recipients.get(verdict).Increment();
}

void metrics::early(std::string_view stage, bool tempfail) {
    std::lock_guard lock(impl_->early_mutex);
    impl_->early_family.Add({{"stage", std::string(stage)}, {"reply", tempfail ? "tempfail" : "refuse"}})
        .Increment();
}

void metrics::tempfail(std::string_view cause) {
    impl_->tempfails.get(cause).Increment();
}

void metrics::reload(bool ok, std::uint64_t generation) {
    impl_->reloads.get(ok ? "ok" : "failed").Increment();
    impl_->generation.Set(double(generation));
}

std::string metrics::exposition(std::uint64_t outbox_queued) const {
    impl_->outbox.Set(double(outbox_queued));
    return prometheus::TextSerializer().Serialize(impl_->registry->Collect());
}

}  // namespace sift::milter
