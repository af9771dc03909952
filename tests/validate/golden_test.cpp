// Golden files pin whole validation diagnostics, as tests/parse/golden
// does for syntax errors: for every golden/NAME.sieve the formatted errors,
// then the warnings, of compiling it must equal golden/NAME.expect byte
// for byte. The .expect files are written by hand from the RFCs and the
// messages' wording, not captured from a run.
#include "test_support.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace sift::testing {
namespace {

namespace fs = std::filesystem;

std::string read_file(fs::path const& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

TEST(ValidateGolden, EveryScriptMatchesItsExpectation) {
    fs::path const dir = fs::path(SIFT_TEST_DATA) / "validate" / "golden";
    std::vector<fs::path> scripts;
    for (auto const& entry : fs::directory_iterator(dir))
        if (entry.path().extension() == ".sieve") scripts.push_back(entry.path());
    std::sort(scripts.begin(), scripts.end());
    ASSERT_GE(scripts.size(), 10u) << "golden files missing from " << dir;
    for (auto const& path : scripts) {
        fs::path expect = path;
        expect.replace_extension(".expect");
        ASSERT_TRUE(fs::exists(expect)) << expect;
        auto const compiled = script::compile(read_file(path), path.filename().string());
        EXPECT_EQ(format(compiled.errors()) + format(compiled.warnings()), read_file(expect))
            << path.filename();
    }
}

}  // namespace
}  // namespace sift::testing
