// sift::policy (sift/policy.hpp): the policy directory's scripts, loaded
// once, around each user's own script.
#include <sift/address.hpp>
#include <sift/lists.hpp>
#include <sift/policy.hpp>
#include <sift/settings.hpp>

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

std::vector<std::pair<std::string, std::string>> policy_items(const config& site, const user_defaults& s,
                                                              std::string_view recipient) {
    auto on = [](bool b) { return std::string(b ? "on" : "off"); };
    std::vector<std::pair<std::string, std::string>> items = {
        {"vnd.sift.spam.threshold", s.spam_threshold.text()},
        {"vnd.sift.spam.reject_threshold", s.reject_threshold.text()},
        {"vnd.sift.filter.spam", on(s.filter_spam)},
        {"vnd.sift.filter.promotions", on(s.filter_promotions)},
        {"vnd.sift.filter.social", on(s.filter_social)},
        {"vnd.sift.blocked", std::string(name(s.blocked))},
        {"vnd.sift.plus.folders", on(s.plus_folders)},
        {"vnd.sift.uninspectable", std::string(name(site.uninspectable))},
        {"vnd.sift.folder.spam", site.spam_folder},
        {"vnd.sift.folder.promotions", site.promotions_folder},
        {"vnd.sift.folder.social", site.social_folder},
    };
    auto user = lists::list_user(recipient, site.recipient_delimiters);
    if (!user.empty()) items.emplace_back("vnd.sift.user", user);
    if (s.plus_folders) {
        auto to = parse_envelope_path(recipient, site.recipient_delimiters);
        if (to && to->valid && to->detail) {
            auto folder = plus_folder(*to->detail);
            if (!folder.empty()) items.emplace_back("vnd.sift.plus.folder", folder);
        }
    }
    return items;
}

std::string plus_folder(std::string_view detail) {
    std::string out;
    for (std::size_t i = 0; i < detail.size();) {
        auto c = static_cast<unsigned char>(detail[i]);
        std::size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        bool ok = len > 0 && i + len <= detail.size();
        for (std::size_t k = 1; ok && k < len; ++k)
            ok = (static_cast<unsigned char>(detail[i + k]) >> 6) == 2;
        if (!ok) {  // not UTF-8: dropped
            ++i;
            continue;
        }
        if (len == 1) {
            char ch = detail[i];
            // Control characters are dropped, and so is a dot after a dot
            // (".." never: one dot for a run of them).
            bool dropped = c < 0x20 || c == 0x7f || (ch == '.' && !out.empty() && out.back() == '.');
            if (ch == '/' || ch == '\\' || ch == '*' || ch == '%')
                out += '_';
            else if (!dropped)
                out += ch;
        } else {
            out.append(detail.substr(i, len));
        }
        i += len;
    }
    auto trim = [](char ch) { return ch == '.' || ch == ' '; };
    while (!out.empty() && trim(out.front())) out.erase(out.begin());
    if (out.size() > plus_folder_max_bytes) {
        std::size_t cut = plus_folder_max_bytes;
        while (cut > 0 && (static_cast<unsigned char>(out[cut]) >> 6) == 2) --cut;  // a character's start
        out.resize(cut);
    }
    while (!out.empty() && trim(out.back())) out.pop_back();
    return out;
}

std::vector<std::pair<std::string, std::string>> vacation_items(const user_defaults& settings,
                                                                const envelope& env,
                                                                std::chrono::system_clock::time_point now) {
    std::vector<std::pair<std::string, std::string>> items;
    const auto& v = settings.vacation;
    if (!v || !vacation_active(*v, now, env.from)) return items;
    items.emplace_back("vnd.sift.vacation", "on");
    items.emplace_back("vnd.sift.vacation.message", v->message);
    if (!v->subject.empty()) items.emplace_back("vnd.sift.vacation.subject", v->subject);
    if (!v->from.empty()) items.emplace_back("vnd.sift.vacation.from", v->from);
    return items;
}

result policy::run(const session& client, const message& msg, const envelope& env, const run_options& options,
                   const script* user, const config& site, const user_defaults& settings) const {
    session with_items = client;
    // First, so that they are what the scripts read under these names.
    auto items = policy_items(site, settings, env.to);
    bool responds_itself = false;
    if (user)
        for (const auto& c : user->capabilities())
            if (c == "vacation" || c == "reject" || c == "ereject") responds_itself = true;
    if (!responds_itself) {
        auto now = options.host ? options.host->now() : std::chrono::system_clock::now();
        for (auto& item : vacation_items(settings, env, now)) items.push_back(std::move(item));
    }
    with_items.items.insert(with_items.items.begin(), std::make_move_iterator(items.begin()),
                            std::make_move_iterator(items.end()));
    run_options o = options;
    o.score.spam_threshold = settings.spam_threshold.value();
    // user+detail@domain is user@domain's: vacation answers mail addressed
    // to either (RFC 5230 §4.5).
    if (auto user = lists::list_user(env.to, site.recipient_delimiters); !user.empty())
        o.vacation.user_addresses.push_back(user);
    return around(user).run(with_items, msg, env, o);
}

}  // namespace sift
