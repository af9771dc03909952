// Parse rate: source -> contract AST only (no validation or bytecode), for
// the small scripts of compile_bench.cpp. Isolates the parser's share.
#include "bench_data.hpp"

#include "parse/parser.hpp"

#include <benchmark/benchmark.h>

namespace {

using namespace sift::bench;

void parse_one(benchmark::State& state, std::string_view source) {
    std::string const file = "bench.sieve";
    for (auto _ : state) {
        auto r = sift::parse::parse(source, file);
        benchmark::DoNotOptimize(r);
    }
    state.counters["scripts/s"] = benchmark::Counter(double(state.iterations()), benchmark::Counter::kIsRate);
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * source.size()));
}

void BM_parse_small_scripts(benchmark::State& state) {
    const std::string_view sources[] = {header_script, address_script, matches_script, mixed_script};
    std::string const file = "bench.sieve";
    std::size_t i = 0;
    for (auto _ : state) {
        auto r = sift::parse::parse(sources[i++ & 3], file);
        benchmark::DoNotOptimize(r);
    }
    state.counters["scripts/s"] = benchmark::Counter(double(state.iterations()), benchmark::Counter::kIsRate);
}
void BM_parse_header_script(benchmark::State& state) {
    parse_one(state, header_script);
}
void BM_parse_mixed_script(benchmark::State& state) {
    parse_one(state, mixed_script);
}
// A syntax error: the diagnostic path.
void BM_parse_error(benchmark::State& state) {
    parse_one(state, "if header :contains \"Subject\" \"x\" { fileinto \"Spam\" }\n");
}

BENCHMARK(BM_parse_small_scripts);
BENCHMARK(BM_parse_header_script);
BENCHMARK(BM_parse_mixed_script);
BENCHMARK(BM_parse_error);

}  // namespace
