// Compiles one of the bench scripts N times and exits: a fixed amount of
// work for `valgrind --tool=callgrind`, whose instruction counts do not
// depend on the machine or its load (scripts/bench-mailutils runs it twice,
// N and N + 1000, so start-up cancels out). bench/peers/mu_bench.c has the
// same mode for GNU Mailutils.
//
//     sift_compile_loop header|small N
#include "bench_data.hpp"

#include <cstdlib>
#include <iostream>
#include <string_view>

int main(int argc, char** argv) {
    using namespace sift::bench;
    if (argc != 3 || (std::string_view(argv[1]) != "header" && std::string_view(argv[1]) != "small")) {
        std::cerr << "usage: sift_compile_loop header|small N\n";
        return 2;
    }
    bool const small = std::string_view(argv[1]) == "small";
    const std::string_view sources[] = {header_script, address_script, matches_script, mixed_script};
    long const n = std::strtol(argv[2], nullptr, 10);
    long ok = 0;
    for (long i = 0; i < n; ++i)
        ok += sift::script::compile(small ? sources[i & 3] : header_script, "bench.sieve").ok();
    return ok == n ? 0 : 1;
}
