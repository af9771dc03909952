// Bytecode images: load (parse + full verification) and save. Loading is
// what a milter does at start-up and on every reload.
#include "bench_data.hpp"

#include <benchmark/benchmark.h>

namespace {

using namespace sift::bench;

void BM_bytecode_load(benchmark::State& state) {
    const std::string images[] = {must_compile(header_script).save(), must_compile(address_script).save(),
                                  must_compile(matches_script).save(), must_compile(mixed_script).save()};
    std::size_t i = 0, bytes = 0;
    for (auto _ : state) {
        const auto& image = images[i++ & 3];
        auto s = sift::script::load(image, "bench.svbin");
        if (!s.ok()) state.SkipWithError("image did not load");
        benchmark::DoNotOptimize(s);
        bytes += image.size();
    }
    state.counters["scripts/s"] = benchmark::Counter(double(state.iterations()), benchmark::Counter::kIsRate);
    state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}

void BM_bytecode_save(benchmark::State& state) {
    const auto s = must_compile(mixed_script);
    for (auto _ : state) {
        auto image = s.save();
        benchmark::DoNotOptimize(image);
    }
    state.counters["scripts/s"] = benchmark::Counter(double(state.iterations()), benchmark::Counter::kIsRate);
}

BENCHMARK(BM_bytecode_load);
BENCHMARK(BM_bytecode_save);

}  // namespace
