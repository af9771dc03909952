// The session fuzzer as a CTest (without libFuzzer): a fixed, seeded set
// of inputs, the same on every run, fed to LLVMFuzzerTestOneInput; then
// any files given on the command line (a corpus or a crash to replay).
//   milter_session_fuzz [--runs N] [FILE...]
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

int main(int argc, char** argv) {
    int runs = 3000;
    std::vector<std::string> files;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--runs" && i + 1 < argc)
            runs = std::atoi(argv[++i]);
        else
            files.push_back(a);
    }
    std::mt19937 rng(20261202);
    std::vector<std::uint8_t> input;
    for (int r = 0; r < runs; ++r) {
        input.resize(rng() % 600);
        for (auto& b : input) b = static_cast<std::uint8_t>(rng());
        // Half the inputs start like a real session (connect, helo, mail,
        // rcpt, ...) so that the later callbacks are reached often.
        if (r % 2 && input.size() > 8)
            for (int k = 0; k < 8; ++k) input[std::size_t(k) * (input.size() / 8)] = std::uint8_t(k % 8);
        LLVMFuzzerTestOneInput(input.data(), input.size());
    }
    for (const auto& f : files) {
        std::ifstream in(f, std::ios::binary);
        std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), {});
        LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
    }
    std::printf("%d generated inputs and %zu files: no crash, every status valid\n", runs, files.size());
    return 0;
}
