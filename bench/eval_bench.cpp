// Evaluation rate over pre-parsed ~2.2 KB messages, and the parse itself.
// Target for the header script: >= 3.3M msg/s on one core (10x GNU
// Mailutils' ~333k), see docs/PERFORMANCE.md.
#include "bench_data.hpp"

#include <benchmark/benchmark.h>

namespace {

using namespace sift::bench;

void run_over_parsed(benchmark::State& state, std::string_view source) {
    const auto s = must_compile(source);
    const auto messages = parsed_messages();
    const auto env = bench_envelope();
    std::size_t i = 0;
    for (auto _ : state) {
        auto r = s.run(messages[i++ & 3], env);
        benchmark::DoNotOptimize(r);
    }
    state.counters["msgs/s"] = benchmark::Counter(double(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_eval_header(benchmark::State& state) {
    run_over_parsed(state, header_script);
}
void BM_eval_address(benchmark::State& state) {
    run_over_parsed(state, address_script);
}
void BM_eval_matches(benchmark::State& state) {
    run_over_parsed(state, matches_script);
}
void BM_eval_mixed(benchmark::State& state) {
    run_over_parsed(state, mixed_script);
}

// The smallest useful script, as timed against the peers by scripts/bench-peers.
void BM_eval_one_rule(benchmark::State& state) {
    run_over_parsed(state, "if header :contains \"Subject\" \"lottery\" { discard; }\n");
}

// Raw bytes -> header index (the copy of the buffer is part of the cost, as
// it is for a frontend that receives the message in its own buffer).
void BM_parse_message(benchmark::State& state) {
    std::vector<std::string> raws;
    for (std::size_t i = 0; i < variant_headers.size(); ++i) raws.push_back(raw_message(i));
    std::size_t i = 0, bytes = 0;
    for (auto _ : state) {
        const auto& raw = raws[i++ & 3];
        auto m = sift::message::from_raw(raw);
        benchmark::DoNotOptimize(m);
        bytes += raw.size();
    }
    state.counters["msgs/s"] = benchmark::Counter(double(state.iterations()), benchmark::Counter::kIsRate);
    state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}

// What `sift filter` does per message: parse, then run the header script.
void BM_parse_and_eval_header(benchmark::State& state) {
    const auto s = must_compile(header_script);
    std::vector<std::string> raws;
    for (std::size_t i = 0; i < variant_headers.size(); ++i) raws.push_back(raw_message(i));
    const auto env = bench_envelope();
    std::size_t i = 0;
    for (auto _ : state) {
        auto m = sift::message::from_raw(raws[i++ & 3]);
        auto r = s.run(m, env);
        benchmark::DoNotOptimize(r);
    }
    state.counters["msgs/s"] = benchmark::Counter(double(state.iterations()), benchmark::Counter::kIsRate);
}

BENCHMARK(BM_eval_header);
BENCHMARK(BM_eval_one_rule);
BENCHMARK(BM_eval_address);
BENCHMARK(BM_eval_matches);
BENCHMARK(BM_eval_mixed);
BENCHMARK(BM_parse_message);
BENCHMARK(BM_parse_and_eval_header);

}  // namespace
