// Golden files pin whole diagnostics: for every golden/NAME.sieve the
// formatted errors must equal golden/NAME.expect byte for byte. The
// .expect files are written by hand from RFC 5228, not captured.
#include "parse_helpers.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace sift::parse {
namespace {

namespace fs = std::filesystem;

fs::path golden_dir() {
    return fs::path(SIFT_TEST_DATA) / "parse" / "golden";
}

std::string read_file(fs::path const& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

std::vector<fs::path> golden_scripts() {
    std::vector<fs::path> found;
    for (auto const& entry : fs::directory_iterator(golden_dir()))
        if (entry.path().extension() == ".sieve") found.push_back(entry.path());
    std::sort(found.begin(), found.end());
    return found;
}

TEST(Golden, EveryScriptMatchesItsExpectation) {
    auto const scripts = golden_scripts();
    ASSERT_GE(scripts.size(), 10u) << "golden files missing from " << golden_dir();
    for (auto const& script : scripts) {
        fs::path expect = script;
        expect.replace_extension(".expect");
        ASSERT_TRUE(fs::exists(expect)) << expect;
        auto const result = parse(read_file(script), script.filename().string());
        EXPECT_EQ(format(result.errors), read_file(expect)) << script.filename();
    }
}

}  // namespace
}  // namespace sift::parse
