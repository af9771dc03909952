// Allow and block list lookups in a 1,000,000-entry LMDB list
// (sift::lists::open_list_store): an address that is listed, one whose
// domain is listed (@domain), one under a listed @.domain three labels
// down, and one that is not listed at all (every key of its walk probed).
// The list is built once per process in a temporary directory: 900,000
// addresses and 100,000 domains. docs/PERFORMANCE.md has the numbers.
#include <benchmark/benchmark.h>
#include <sift/lists.hpp>
#include <sift/store.hpp>

#include <unistd.h>
#include <filesystem>
#include <string>

namespace {

namespace fs = std::filesystem;

struct million_list {
    fs::path dir;
    std::unique_ptr<sift::lists::list_store> lists;
    const std::string name{sift::lists::global_block};

    million_list() {
        dir = fs::temp_directory_path() / ("sift-lists-bench-" + std::to_string(::getpid()));
        fs::create_directories(dir);
        sift::store::store_config config;
        config.path = (dir / "lists.mdb").string();
        config.lmdb_map_size = std::size_t{1} << 30;
        lists = sift::lists::open_list_store(config);
        std::vector<std::string> entries;
        entries.reserve(1'000'000);
        for (int i = 0; i < 900'000; ++i)
            entries.push_back("user" + std::to_string(i) + "@host" + std::to_string(i % 5000) + ".example");
        for (int i = 0; i < 50'000; ++i) entries.push_back("@domain" + std::to_string(i) + ".example");
        for (int i = 0; i < 50'000; ++i) entries.push_back("@.tree" + std::to_string(i) + ".example");
        lists->replace(name, entries);
    }
    ~million_list() { fs::remove_all(dir); }
};

million_list& list() {
    static million_list l;
    return l;
}

void lookup(benchmark::State& state, const char* value, bool expected) {
    auto& l = list();
    if (l.lists->contains(l.name, value) != expected) {
        state.SkipWithError("unexpected lookup result");
        return;
    }
    for (auto _ : state) benchmark::DoNotOptimize(l.lists->contains(l.name, value));
}

void BM_lmdb_list_1M_address_hit(benchmark::State& s) {
    lookup(s, "User123456@Host3456.example", true);
}
void BM_lmdb_list_1M_domain_hit(benchmark::State& s) {
    lookup(s, "anyone@domain4242.example", true);
}
void BM_lmdb_list_1M_subdomain_hit(benchmark::State& s) {
    lookup(s, "anyone@a.b.c.tree4242.example", true);
}
void BM_lmdb_list_1M_miss(benchmark::State& s) {
    lookup(s, "nobody@mail.unlisted.example", false);
}
BENCHMARK(BM_lmdb_list_1M_address_hit);
BENCHMARK(BM_lmdb_list_1M_domain_hit);
BENCHMARK(BM_lmdb_list_1M_subdomain_hit);
BENCHMARK(BM_lmdb_list_1M_miss);

}  // namespace
