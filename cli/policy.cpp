#include "policy.hpp"

#include "commands.hpp"
#include "input.hpp"

#include <filesystem>

namespace sift::cli {

namespace fs = std::filesystem;

std::string default_policy_dir() {
    std::error_code ec;
    auto exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        auto installed = exe.parent_path().parent_path() / "share" / "sift" / "policy" / "default";
        if (fs::is_directory(installed, ec)) return installed.string();
    }
    return SIFT_SOURCE_POLICY_DIR;  // cli/CMakeLists.txt: the source tree's policy/default
}

loaded_policy load_policy(const std::string& dir_or_default) {
    std::string dir = dir_or_default == "default" ? default_policy_dir() : dir_or_default;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) throw usage_error("--policy " + dir_or_default + ": not a directory");
    loaded_policy p;
    for (auto [name, into] : {std::pair{"before.sieve", &p.before}, std::pair{"after.sieve", &p.after}}) {
        auto path = (fs::path(dir) / name).string();
        // Named for what it is in the sequence ("default/before.sieve"),
        // not where it lies.
        std::string shown =
            (fs::path(dir_or_default == "default" ? "default" : dir).filename() / name).string();
        if (fs::exists(path, ec)) *into = load_script(path, shown);
    }
    if (!p.before && !p.after)
        throw usage_error("--policy " + dir_or_default + ": neither before.sieve nor after.sieve in " + dir);
    return p;
}

sequence sequence_of(const loaded_policy& p, const script* user) {
    sequence seq;
    if (p.before) seq.add(*p.before);
    if (user) seq.add(*user);
    if (p.after) seq.add(*p.after);
    return seq;
}

}  // namespace sift::cli
