// sift/site.hpp: a site's store and lists in one host.
#include <sift/lists.hpp>
#include <sift/site.hpp>

#include <filesystem>
#include <stdexcept>

namespace sift {
namespace {

bool all_digits(std::string_view s) {
    return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

}  // namespace

store::store_config parse_store(std::string_view spec) {
    const std::string s(spec);
    auto bad = [&](const std::string& why) { return std::invalid_argument(s + ": " + why); };
    store::store_config c;
    if (s == "memory") {
        c.kind = store::store_kind::memory;
    } else if (s.starts_with("lmdb:") && s.size() > 5) {
        c.kind = store::store_kind::lmdb;
        c.path = s.substr(5);
    } else if (s.starts_with("redis:")) {
        c.kind = store::store_kind::redis;
        auto rest = s.substr(6);
        auto colon = rest.rfind(':');
        c.host = rest.substr(0, colon);
        if (colon != std::string::npos) {
            auto port = rest.substr(colon + 1);
            int number = all_digits(port) && port.size() <= 5 ? std::stoi(port) : 0;
            if (number < 1 || number > 65535) throw bad("bad port");
            c.port = number;
        }
        if (c.host.empty()) throw bad("no host");
    } else {
        throw bad("not memory, lmdb:PATH or redis:HOST[:PORT]");
    }
    return c;
}

site_services::site_services(const config& site, const site_open& how) : options_(run_options_from(site)) {
    auto where = how.store.value_or(site.store);
    std::error_code ec;
    bool empty_default = how.absent_default_is_empty && !how.store && !site.store_configured &&
                         where.kind == store::store_kind::lmdb && !std::filesystem::exists(where.path, ec);
    if (empty_default) where = parse_store("memory");
    state_ = store::open_store(where);
    if (auto dir = how.lists_dir ? how.lists_dir : site.lists_dir)
        lists_ = file_list_provider(*dir);
    else if (where.kind != store::store_kind::memory)
        lists_ = lists::open_list_store(where);
    if (!lists_) lists_ = no_list_provider();
    host_.set_state(state_.get());
    host_.set_lists(lists_.get());
    options_.host = &host_;
}

site_services::~site_services() = default;

}  // namespace sift
