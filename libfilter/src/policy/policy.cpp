// sift::policy (sift/policy.hpp): the policy directory's scripts, loaded
// once, around each user's own script.
#include <sift/policy.hpp>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

#ifndef SIFT_SOURCE_POLICY_DIR
#error "SIFT_SOURCE_POLICY_DIR comes from libfilter/CMakeLists.txt"
#endif
#ifndef SIFT_INSTALLED_POLICY_DIR
#error "SIFT_INSTALLED_POLICY_DIR comes from libfilter/CMakeLists.txt"
#endif

namespace sift {
namespace {

namespace fs = std::filesystem;

bool is_dir(const fs::path& p) {
    std::error_code ec;
    return fs::is_directory(p, ec);
}

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw policy_error(path.string() + ": " + std::strerror(errno));
    std::ostringstream out;
    out << in.rdbuf();
    if (in.bad()) throw policy_error(path.string() + ": read error");
    return std::move(out).str();
}

}  // namespace

std::string default_policy_dir() {
    std::error_code ec;
    auto exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        auto beside = exe.parent_path().parent_path() / "share" / "sift" / "policy" / "default";
        if (is_dir(beside)) return beside.string();
    }
    if (is_dir(SIFT_INSTALLED_POLICY_DIR)) return SIFT_INSTALLED_POLICY_DIR;
    return SIFT_SOURCE_POLICY_DIR;
}

policy policy::load(std::string_view dir_or_default, const policy_options& options) {
    bool is_default = dir_or_default == "default";
    std::string dir = is_default ? default_policy_dir() : std::string(dir_or_default);
    if (!is_dir(dir)) throw policy_error("policy " + std::string(dir_or_default) + ": not a directory");
    policy p;
    p.dir_ = dir;
    // Named for what it is in the sequence ("default/before.sieve"), not
    // where it lies.
    fs::path shown_dir = is_default ? fs::path("default") : fs::path(dir).lexically_normal();
    if (shown_dir.filename().empty()) shown_dir = shown_dir.parent_path();  // "dir/"
    shown_dir = shown_dir.filename();
    directory_script_source scripts(dir, options.global_dir);
    for (auto [name, into] : {std::pair{"before.sieve", &p.before_}, std::pair{"after.sieve", &p.after_}}) {
        fs::path path = fs::path(dir) / name;
        std::error_code ec;
        if (!fs::exists(path, ec)) continue;
        std::string bytes = read_file(path);
        std::string shown = (shown_dir / name).string();
        *into = is_bytecode(bytes) ? script::load(bytes, shown)
                                   : script::compile(bytes, shown, options.limits, &scripts);
    }
    if (!p.before_ && !p.after_)
        throw policy_error("policy " + std::string(dir_or_default) +
                           ": neither before.sieve nor after.sieve in " + dir);
    return p;
}

bool policy::ok() const {
    return (!before_ || before_->ok()) && (!after_ || after_->ok());
}

std::vector<diagnostic> policy::errors() const {
    std::vector<diagnostic> out;
    for (const auto* s : {&before_, &after_})
        if (*s) out.insert(out.end(), (*s)->errors().begin(), (*s)->errors().end());
    return out;
}

sequence policy::around(const script* user) const {
    sequence seq;
    if (before_) seq.add(*before_);
    if (user) seq.add(*user);
    if (after_) seq.add(*after_);
    return seq;
}

result policy::run(const session& client, const message& msg, const envelope& env, const run_options& options,
                   const script* user) const {
    return around(user).run(client, msg, env, options);
}

}  // namespace sift
