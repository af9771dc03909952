// sift::config (sift/config.hpp): the TOML file, read with toml++, checked
// key by key against the table below before anything is applied, and
// printed back with every key.
#include <sift/config.hpp>

#include <toml++/toml.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <sstream>

namespace sift {
namespace {

using namespace std::string_literals;

// One key of the file: where it is, so that each error names it.
struct located {
    const toml::node& node;
    std::string key;
    toml::source_region where;
};

struct schema_error {
    std::string message;
};

std::string type_name(const toml::node& n) {
    switch (n.type()) {
        case toml::node_type::string:
            return "a string";
        case toml::node_type::integer:
            return "an integer";
        case toml::node_type::floating_point:
            return "a number with a fraction";
        case toml::node_type::boolean:
            return "a boolean";
        case toml::node_type::table:
            return "a table";
        case toml::node_type::array:
            return "an array";
        default:
            return "a date or time";
    }
}

[[noreturn]] void wrong(const toml::node& n, const std::string& want) {
    throw schema_error{"expected " + want + ", not " + type_name(n)};
}

std::string as_string(const toml::node& n) {
    if (!n.is_string()) wrong(n, "a string");
    return std::string(*n.value<std::string_view>());
}

bool as_bool(const toml::node& n) {
    if (!n.is_boolean()) wrong(n, "true or false");
    return *n.value<bool>();
}

std::int64_t as_integer(const toml::node& n, std::int64_t low, std::int64_t high) {
    if (!n.is_integer()) wrong(n, "an integer");
    auto v = *n.value<std::int64_t>();
    if (v < low || v > high)
        throw schema_error{std::to_string(v) + " is out of range (" + std::to_string(low) + " to " +
                           std::to_string(high) + ")"};
    return v;
}

threshold as_threshold(const toml::node& n) {
    double v;
    if (n.is_integer())
        v = static_cast<double>(*n.value<std::int64_t>());
    else if (n.is_floating_point())
        v = *n.value<double>();
    else
        wrong(n, "a number (a score threshold)");
    double scaled = v * 1000;
    double rounded = std::round(scaled);
    if (!(v > 0 && v <= 10000)) throw schema_error{"a threshold is above 0 and at most 10000"};
    if (std::abs(scaled - rounded) > 1e-6) throw schema_error{"a threshold has at most three decimals"};
    return threshold{static_cast<std::int64_t>(rounded)};
}

std::string folder_name(const toml::node& n) {
    auto s = as_string(n);
    if (s.empty()) throw schema_error{"a folder name is not empty"};
    for (unsigned char c : s)
        if (c < 0x20 || c == 0x7f) throw schema_error{"a folder name holds no control characters"};
    return s;
}

// Every key the file may have, by its path, and what it sets.
using setter = std::function<void(config&, const toml::node&)>;

const std::map<std::string, setter>& keys() {
    static const std::map<std::string, setter> table = [] {
        std::map<std::string, setter> k;
        k["blocked"] = [](config& c, const toml::node& n) {
            auto s = as_string(n);
            if (s == "refuse")
                c.defaults.blocked = blocked_action::refuse;
            else if (s == "spam")
                c.defaults.blocked = blocked_action::spam;
            else
                throw schema_error{"\"refuse\" or \"spam\", not \"" + s + "\""};
        };
        k["uninspectable"] = [](config& c, const toml::node& n) {
            auto s = as_string(n);
            if (s == "refuse")
                c.uninspectable = uninspectable_action::refuse;
            else if (s == "spam")
                c.uninspectable = uninspectable_action::spam;
            else if (s == "accept")
                c.uninspectable = uninspectable_action::accept;
            else
                throw schema_error{"\"refuse\", \"spam\" or \"accept\", not \"" + s + "\""};
        };
        k["spam.threshold"] = [](config& c, const toml::node& n) {
            c.defaults.spam_threshold = as_threshold(n);
        };
        k["spam.reject_threshold"] = [](config& c, const toml::node& n) {
            c.defaults.reject_threshold = as_threshold(n);
        };
        k["filter.spam"] = [](config& c, const toml::node& n) { c.defaults.filter_spam = as_bool(n); };
        k["filter.promotions"] = [](config& c, const toml::node& n) {
            c.defaults.filter_promotions = as_bool(n);
        };
        k["filter.social"] = [](config& c, const toml::node& n) { c.defaults.filter_social = as_bool(n); };
        k["plus.folders"] = [](config& c, const toml::node& n) { c.defaults.plus_folders = as_bool(n); };
        k["plus.delimiters"] = [](config& c, const toml::node& n) {
            auto s = as_string(n);
            if (s.empty()) throw schema_error{"at least one delimiter character"};
            for (unsigned char ch : s)
                if (ch <= 0x20 || ch >= 0x7f || ch == '@')
                    throw schema_error{"delimiters are printable ASCII characters other than @"};
            c.recipient_delimiters = s;
        };
        k["folder.spam"] = [](config& c, const toml::node& n) { c.spam_folder = folder_name(n); };
        k["folder.promotions"] = [](config& c, const toml::node& n) { c.promotions_folder = folder_name(n); };
        k["folder.social"] = [](config& c, const toml::node& n) { c.social_folder = folder_name(n); };
        k["policy.dir"] = [](config& c, const toml::node& n) {
            c.policy_dir = as_string(n);
            if (c.policy_dir.empty()) throw schema_error{"\"default\" or a directory"};
        };
        k["authres.trusted_authserv_ids"] = [](config& c, const toml::node& n) {
            const auto* a = n.as_array();
            if (!a) wrong(n, "an array of strings");
            c.trusted_authserv_ids.clear();
            for (const auto& e : *a) {
                auto s = as_string(e);
                if (s.empty()) throw schema_error{"an authserv-id is not empty"};
                c.trusted_authserv_ids.push_back(s);
            }
        };
        k["store.kind"] = [](config& c, const toml::node& n) {
            auto s = as_string(n);
            if (s == "lmdb")
                c.store.kind = store::store_kind::lmdb;
            else if (s == "redis")
                c.store.kind = store::store_kind::redis;
            else if (s == "memory")
                c.store.kind = store::store_kind::memory;
            else
                throw schema_error{"\"lmdb\", \"redis\" or \"memory\", not \"" + s + "\""};
        };
        k["store.path"] = [](config& c, const toml::node& n) {
            c.store.path = as_string(n);
            if (c.store.path.empty()) throw schema_error{"a path is not empty"};
        };
        k["store.map_size_mib"] = [](config& c, const toml::node& n) {
            c.store.lmdb_map_size = static_cast<std::size_t>(as_integer(n, 1, 1 << 20)) << 20;
        };
        k["store.host"] = [](config& c, const toml::node& n) {
            c.store.host = as_string(n);
            if (c.store.host.empty()) throw schema_error{"a host is not empty"};
        };
        k["store.port"] = [](config& c, const toml::node& n) { c.store.port = int(as_integer(n, 1, 65535)); };
        k["store.unix_socket"] = [](config& c, const toml::node& n) { c.store.unix_socket = as_string(n); };
        k["store.database"] = [](config& c, const toml::node& n) {
            c.store.database = int(as_integer(n, 0, 1 << 16));
        };
        k["store.key_prefix"] = [](config& c, const toml::node& n) {
            c.store.key_prefix = as_string(n);
            if (c.store.key_prefix.size() > 64) throw schema_error{"a key prefix is at most 64 bytes"};
        };
        k["store.connect_timeout_ms"] = [](config& c, const toml::node& n) {
            c.store.connect_timeout = std::chrono::milliseconds(as_integer(n, 1, 60'000));
        };
        k["store.command_timeout_ms"] = [](config& c, const toml::node& n) {
            c.store.command_timeout = std::chrono::milliseconds(as_integer(n, 1, 60'000));
        };
        k["lists.dir"] = [](config& c, const toml::node& n) {
            auto s = as_string(n);
            if (s.empty())
                throw schema_error{"a directory is not empty (leave the key out for the store's lists)"};
            c.lists_dir = s;
        };
        k["attachments.max_depth"] = [](config& c, const toml::node& n) {
            c.attachments.max_depth = unsigned(as_integer(n, 1, 32));
        };
        k["attachments.max_entries"] = [](config& c, const toml::node& n) {
            c.attachments.max_entries = std::size_t(as_integer(n, 1, 10'000'000));
        };
        k["attachments.max_expanded_mib"] = [](config& c, const toml::node& n) {
            c.attachments.max_expanded = std::uint64_t(as_integer(n, 1, std::int64_t{64} * 1024)) << 20;
        };
        k["attachments.max_ratio"] = [](config& c, const toml::node& n) {
            c.attachments.max_ratio = unsigned(as_integer(n, 1, 100'000));
        };
        k["limits.instruction_budget"] = [](config& c, const toml::node& n) {
            c.limits.instruction_budget = std::uint64_t(as_integer(n, 1000, 1'000'000'000));
        };
        k["limits.max_redirects"] = [](config& c, const toml::node& n) {
            c.limits.max_redirects = unsigned(as_integer(n, 0, 100));
        };
        k["limits.max_actions"] = [](config& c, const toml::node& n) {
            c.limits.max_actions = unsigned(as_integer(n, 1, 1000));
        };
        k["limits.max_mime_depth"] = [](config& c, const toml::node& n) {
            c.message.max_mime_depth = unsigned(as_integer(n, 1, 1000));
        };
        k["limits.max_mime_parts"] = [](config& c, const toml::node& n) {
            c.message.max_mime_parts = std::size_t(as_integer(n, 1, 1'000'000));
        };
        k["limits.max_headers"] = [](config& c, const toml::node& n) {
            c.message.max_headers = std::size_t(as_integer(n, 1, 1'000'000));
        };
        k["limits.max_header_bytes"] = [](config& c, const toml::node& n) {
            c.message.max_header_bytes = std::size_t(as_integer(n, 998, 64 << 20));
        };
        return k;
    }();
    return table;
}

bool is_section(std::string_view name) {
    for (const auto& [path, _] : keys())
        if (path.size() > name.size() && path.starts_with(name) && path[name.size()] == '.') return true;
    return false;
}

[[noreturn]] void fail_at(const std::string& file, const toml::source_region& where, const std::string& key,
                          const std::string& message) {
    throw config_error(file, where.begin.line, where.begin.column, key, message);
}

// Every key of the file, checked and applied to a copy: the caller gets
// the whole configuration or an exception.
void apply(config& c, const toml::table& root, const std::string& file) {
    for (const auto& [k, v] : root) {
        std::string name(k.str());
        if (v.is_table() && is_section(name)) {
            for (const auto& [k2, v2] : *v.as_table()) {
                std::string path = name + "." + std::string(k2.str());
                auto it = keys().find(path);
                if (it == keys().end()) fail_at(file, k2.source(), path, "unknown key");
                try {
                    it->second(c, v2);
                } catch (const schema_error& e) {
                    fail_at(file, v2.source(), path, e.message);
                }
            }
            if (name == "store") c.store_configured = true;
            continue;
        }
        auto it = keys().find(name);
        if (it == keys().end())
            fail_at(file, k.source(), name, is_section(name) ? "expected a table" : "unknown key");
        try {
            it->second(c, v);
        } catch (const schema_error& e) {
            fail_at(file, v.source(), name, e.message);
        }
    }
    // What no single key can say.
    if (c.defaults.reject_threshold.thousandths < c.defaults.spam_threshold.thousandths) {
        const toml::node* n = root.at_path("spam.reject_threshold").node();
        std::string key = "spam.reject_threshold";
        if (!n) n = root.at_path("spam.threshold").node(), key = "spam.threshold";
        fail_at(file, n ? n->source() : toml::source_region{}, key,
                "the reject threshold (" + c.defaults.reject_threshold.text() +
                    ") is below the spam threshold (" + c.defaults.spam_threshold.text() + ")");
    }
}

std::string quoted(std::string_view s) {
    std::ostringstream out;
    out << toml::value<std::string>(std::string(s));
    return std::move(out).str();
}

}  // namespace

config_error::config_error(std::string file, unsigned line, unsigned column, std::string key,
                           std::string message)
    : std::runtime_error(file + ":" + std::to_string(line) + ":" + std::to_string(column) +
                         ": error: " + (key.empty() ? "" : key + ": ") + std::move(message)),
      file_(std::move(file)),
      line_(line),
      column_(column),
      key_(std::move(key)) {}

std::string threshold::text() const {
    std::string out = std::to_string(thousandths / 1000);
    if (auto frac = thousandths % 1000) {
        std::string f = std::to_string(frac);
        f.insert(0, 3 - f.size(), '0');
        while (f.back() == '0') f.pop_back();
        out += "." + f;
    }
    return out;
}

std::optional<threshold> parse_threshold(std::string_view text) {
    std::int64_t whole = 0, frac = 0;
    auto dot = text.find('.');
    auto int_part = text.substr(0, dot);
    if (int_part.empty() || int_part.size() > 5) return std::nullopt;
    auto [p, ec] = std::from_chars(int_part.data(), int_part.data() + int_part.size(), whole);
    if (ec != std::errc() || p != int_part.data() + int_part.size() || int_part[0] == '-' ||
        int_part[0] == '+')
        return std::nullopt;
    if (dot != std::string_view::npos) {
        auto f = text.substr(dot + 1);
        if (f.empty() || f.size() > 3) return std::nullopt;
        for (char ch : f)
            if (ch < '0' || ch > '9') return std::nullopt;
        std::string padded(f);
        padded.resize(3, '0');
        frac = std::stoi(padded);
    }
    threshold t{whole * 1000 + frac};
    if (t.thousandths <= 0 || t.thousandths > 10'000'000) return std::nullopt;
    return t;
}

std::string_view name(blocked_action a) {
    return a == blocked_action::refuse ? "refuse" : "spam";
}

std::string_view name(uninspectable_action a) {
    switch (a) {
        case uninspectable_action::refuse:
            return "refuse";
        case uninspectable_action::spam:
            return "spam";
        default:
            return "accept";
    }
}

run_options run_options_from(const config& site) {
    run_options o;
    o.limits = site.limits;
    o.limits.recipient_delimiters = site.recipient_delimiters;
    o.attachment = site.attachments;
    o.authres.trusted_authserv_ids = site.trusted_authserv_ids;
    o.score.spam_threshold = site.defaults.spam_threshold.value();
    return o;
}

std::string default_state_dir() {
    const char* dir = std::getenv("SIFT_STATE_DIR");
    return dir && *dir ? dir : "/var/lib/sift";
}

std::string default_state_path() {
    return default_state_dir() + "/state.mdb";
}

store::store_config default_store_config() {
    store::store_config s;
    s.kind = store::store_kind::lmdb;
    s.path = default_state_path();
    return s;
}

config parse_config(std::string_view text, const std::string& name) {
    toml::table root;
    try {
        root = toml::parse(text, name);
    } catch (const toml::parse_error& e) {
        fail_at(name, e.source(), "", std::string(e.description()));
    }
    config c;
    c.source = name;
    apply(c, root, name);
    return c;
}

config load_config(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw config_error(path, 0, 0, "", "cannot read the file: "s + std::strerror(errno));
    std::ostringstream text;
    text << in.rdbuf();
    return parse_config(text.str(), path);
}

std::string format_config(const config& c) {
    std::ostringstream o;
    auto b = [](bool v) { return v ? "true" : "false"; };
    const auto& d = c.defaults;
    o << "# The effective configuration (" << (c.source.empty() ? "built-in defaults" : c.source)
      << "); docs/CONFIG.md describes each key.\n";
    o << "blocked = " << quoted(name(d.blocked)) << "\n";
    o << "uninspectable = " << quoted(name(c.uninspectable)) << "\n";
    o << "\n[spam]\nthreshold = " << d.spam_threshold.text()
      << "\nreject_threshold = " << d.reject_threshold.text() << "\n";
    o << "\n[filter]\nspam = " << b(d.filter_spam) << "\npromotions = " << b(d.filter_promotions)
      << "\nsocial = " << b(d.filter_social) << "\n";
    o << "\n[plus]\nfolders = " << b(d.plus_folders) << "\ndelimiters = " << quoted(c.recipient_delimiters)
      << "\n";
    o << "\n[folder]\nspam = " << quoted(c.spam_folder) << "\npromotions = " << quoted(c.promotions_folder)
      << "\nsocial = " << quoted(c.social_folder) << "\n";
    o << "\n[policy]\ndir = " << quoted(c.policy_dir) << "\n";
    o << "\n[authres]\ntrusted_authserv_ids = [";
    for (std::size_t i = 0; i < c.trusted_authserv_ids.size(); ++i)
        o << (i ? ", " : "") << quoted(c.trusted_authserv_ids[i]);
    o << "]\n";
    const auto& s = c.store;
    o << "\n[store]\nkind = "
      << quoted(s.kind == store::store_kind::lmdb    ? "lmdb"
                : s.kind == store::store_kind::redis ? "redis"
                                                     : "memory")
      << "\n";
    o << "path = " << quoted(s.path) << "\nmap_size_mib = " << (s.lmdb_map_size >> 20) << "\n";
    o << "host = " << quoted(s.host) << "\nport = " << s.port << "\nunix_socket = " << quoted(s.unix_socket)
      << "\ndatabase = " << s.database << "\nkey_prefix = " << quoted(s.key_prefix)
      << "\nconnect_timeout_ms = " << s.connect_timeout.count()
      << "\ncommand_timeout_ms = " << s.command_timeout.count() << "\n";
    o << "\n[lists]\n";
    if (c.lists_dir)
        o << "dir = " << quoted(*c.lists_dir) << "\n";
    else
        o << "# dir: not set, the lists are the store's\n";
    const auto& a = c.attachments;
    o << "\n[attachments]\nmax_depth = " << a.max_depth << "\nmax_entries = " << a.max_entries
      << "\nmax_expanded_mib = " << (a.max_expanded >> 20) << "\nmax_ratio = " << a.max_ratio << "\n";
    o << "\n[limits]\ninstruction_budget = " << c.limits.instruction_budget
      << "\nmax_redirects = " << c.limits.max_redirects << "\nmax_actions = " << c.limits.max_actions
      << "\nmax_mime_depth = " << c.message.max_mime_depth
      << "\nmax_mime_parts = " << c.message.max_mime_parts << "\nmax_headers = " << c.message.max_headers
      << "\nmax_header_bytes = " << c.message.max_header_bytes << "\n";
    return std::move(o).str();
}

}  // namespace sift
