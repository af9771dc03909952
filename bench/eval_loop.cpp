// Runs one of the bench scripts N times over the pre-parsed bench messages
// (as BM_eval_* do) and exits: a fixed amount of work for
// `valgrind --tool=callgrind`, whose instruction counts do not depend on
// the machine or its load. Run it for N and N + 1000 and subtract, and
// start-up cancels out (docs/PERFORMANCE.md). It also counts the heap
// allocations (operator new) the runs make and prints them per run;
// `--max-allocations K` makes it fail when there are more than K per run,
// which CTest uses to keep a header test's run from allocating.
//
//     sift_eval_loop header|one_rule|address|matches|mixed N [--message I] [--max-allocations K]
//
// --message I runs every time on bench message I (0-3) instead of the four
// in turn.
#include "bench_data.hpp"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <new>
#include <string>
#include <string_view>

namespace {
std::atomic<unsigned long> allocations{0};
}  // namespace

void* operator new(std::size_t n) {
    allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(n ? n : 1)) return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
    std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
    std::free(p);
}

int main(int argc, char** argv) {
    using namespace sift::bench;
    const std::map<std::string_view, std::string_view> scripts{
        {"header", header_script},
        {"one_rule", "if header :contains \"Subject\" \"lottery\" { discard; }\n"},
        {"address", address_script},
        {"matches", matches_script},
        {"mixed", mixed_script}};
    auto usage = [] {
        std::fprintf(stderr,
                     "usage: sift_eval_loop header|one_rule|address|matches|mixed N [--message I] "
                     "[--max-allocations K]\n");
        return 2;
    };
    if (argc < 3 || !scripts.count(argv[1])) return usage();
    long const n = std::strtol(argv[2], nullptr, 10);
    long only = -1, max_allocations = -1;
    for (int i = 3; i + 1 < argc; i += 2) {
        std::string_view opt = argv[i];
        if (opt == "--message")
            only = std::strtol(argv[i + 1], nullptr, 10);
        else if (opt == "--max-allocations")
            max_allocations = std::strtol(argv[i + 1], nullptr, 10);
        else
            return usage();
    }
    if (argc % 2 == 0 || n <= 0 || only > 3) return usage();

    const auto s = must_compile(scripts.at(argv[1]));
    const auto messages = parsed_messages();
    const auto env = bench_envelope();
    // One run of each first: anything made once (static tables, a lazily
    // parsed header) is not counted.
    for (const auto& m : messages) (void)s.run(m, env);
    unsigned long const before = allocations.load();
    unsigned long actions = 0;
    for (long i = 0; i < n; ++i) {
        auto r = s.run(messages[only >= 0 ? std::size_t(only) : std::size_t(i & 3)], env);
        actions += r.actions.size();
    }
    double const per_run = double(allocations.load() - before) / double(n);
    std::printf("%ld runs, %.2f actions and %.3f heap allocations per run\n", n, double(actions) / double(n),
                per_run);
    if (max_allocations >= 0 && per_run > double(max_allocations)) {
        std::fprintf(stderr, "sift_eval_loop: %.3f allocations per run, more than %ld\n", per_run,
                     max_allocations);
        return 1;
    }
    return 0;
}
