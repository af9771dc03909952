// RFC 6134 list service backed by a directory of plain files (the CLI's
// `--lists DIR`): read once, every entry hashed, so a lookup is O(1)
// whatever the list's size. See sift/host.hpp.
#include <sift/host.hpp>

#include "mail/header.hpp"

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

namespace sift {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

class file_provider final : public list_provider {
public:
    explicit file_provider(const std::string& dir) {
        namespace fs = std::filesystem;
        std::error_code ec;
        fs::directory_iterator it(dir, ec), end;
        if (ec) throw std::runtime_error("cannot read list directory '" + dir + "': " + ec.message());
        for (; it != end; it.increment(ec)) {
            if (ec || !it->is_regular_file()) continue;
            std::ifstream in(it->path());
            auto& list = lists_[mail::ascii_lower(it->path().filename().string())];
            std::string line;
            while (std::getline(in, line)) {
                auto entry = trim(line);
                if (entry.empty() || entry.front() == '#') continue;
                if (list.keys.insert(mail::ascii_lower(entry)).second) list.members.emplace_back(entry);
            }
        }
    }

    bool valid(std::string_view name) const override { return find(name) != nullptr; }
    bool contains(std::string_view name, std::string_view value) const override {
        const auto* list = find(name);
        return list && list->keys.count(mail::ascii_lower(value)) > 0;
    }
    std::vector<std::string> members(std::string_view name) const override {
        const auto* list = find(name);
        return list ? list->members : std::vector<std::string>{};
    }

private:
    struct list {
        std::unordered_set<std::string> keys;  // lower-cased
        std::vector<std::string> members;      // as written, in file order
    };
    // List names compare case-insensitively (file names on a
    // case-insensitive file system would anyway).
    const list* find(std::string_view name) const {
        if (!name.empty() && name.front() == ':') name.remove_prefix(1);
        auto it = lists_.find(mail::ascii_lower(name));
        return it == lists_.end() ? nullptr : &it->second;
    }
    std::unordered_map<std::string, list> lists_;
};

}  // namespace

std::unique_ptr<list_provider> file_list_provider(const std::string& dir) {
    return std::make_unique<file_provider>(dir);
}

}  // namespace sift
