// RFC 6134 list service backed by a directory of plain files (the CLI's
// `--lists DIR`): read into an immutable snapshot, every entry hashed, so a
// lookup is one probe per key of the value (sift::lists::lookup_keys)
// whatever the list's size. reload() builds a new snapshot and swaps it in
// atomically. See sift/lists.hpp.
#include <sift/lists.hpp>
#include <sift/site.hpp>

#include "ext/extlists/extlists.hpp"

#include "mail/header.hpp"

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <typeinfo>
#include <unordered_map>
#include <unordered_set>

namespace sift::lists {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

// An address or domain entry in its canonical form; any other line as a
// whole value, lower-cased.
std::string key_of(std::string_view entry) {
    try {
        return normalize_entry(entry);
    } catch (const list_error&) {
        return mail::ascii_lower(entry);
    }
}

}  // namespace

struct file_lists::snapshot {
    struct list {
        std::unordered_set<std::string> keys;  // canonical
        std::vector<std::string> members;      // as written, in file order
    };
    std::unordered_map<std::string, list> lists;  // by lower-cased name

    // List names compare case-insensitively (file names on a
    // case-insensitive file system would anyway).
    const list* find(std::string_view name) const {
        if (!name.empty() && name.front() == ':') name.remove_prefix(1);
        auto it = lists.find(mail::ascii_lower(name));
        return it == lists.end() ? nullptr : &it->second;
    }
};

file_lists::file_lists(std::string dir) : dir_(std::move(dir)) {
    reload();
}

file_lists::~file_lists() = default;

void file_lists::reload() {
    namespace fs = std::filesystem;
    auto next = std::make_shared<snapshot>();
    std::error_code ec;
    fs::recursive_directory_iterator it(dir_, ec), end;
    if (ec) throw std::runtime_error("cannot read list directory '" + dir_ + "': " + ec.message());
    for (; it != end; it.increment(ec)) {
        if (ec) throw std::runtime_error("cannot read list directory '" + dir_ + "': " + ec.message());
        if (!it->is_regular_file()) continue;
        std::ifstream in(it->path());
        if (!in) throw std::runtime_error("cannot read list file '" + it->path().string() + "'");
        auto name = it->path().lexically_relative(dir_).generic_string();
        auto& list = next->lists[mail::ascii_lower(name)];
        std::string line;
        while (std::getline(in, line)) {
            auto entry = trim(line);
            if (entry.empty() || entry.front() == '#') continue;
            if (list.keys.insert(key_of(entry)).second) list.members.emplace_back(entry);
        }
    }
    snapshot_.store(std::move(next));
}

bool file_lists::valid(std::string_view name) const {
    return snapshot_.load()->find(name) != nullptr;
}

bool file_lists::contains(std::string_view name, std::string_view value) const {
    auto snap = snapshot_.load();
    const auto* list = snap->find(name);
    if (!list) return false;
    for (const auto& key : lookup_keys(value))
        if (list->keys.count(key)) return true;
    return false;
}

std::vector<std::string> file_lists::members(std::string_view name) const {
    auto snap = snapshot_.load();
    const auto* list = snap->find(name);
    return list ? list->members : std::vector<std::string>{};
}

}  // namespace sift::lists

namespace sift {
namespace {

// no_list_provider()'s: no list exists, now or later.
struct no_lists final : list_provider {
    bool valid(std::string_view) const override { return false; }
    bool contains(std::string_view, std::string_view) const override { return false; }
    std::vector<std::string> members(std::string_view) const override { return {}; }
};

}  // namespace

std::unique_ptr<list_provider> file_list_provider(const std::string& dir) {
    return std::make_unique<lists::file_lists>(dir);
}

std::unique_ptr<list_provider> no_list_provider() {
    return std::make_unique<no_lists>();
}

namespace ext {

bool holds_no_lists(const list_provider& lists) noexcept {
    return typeid(lists) == typeid(no_lists);
}

}  // namespace ext
}  // namespace sift
