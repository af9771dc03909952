#include "engine.hpp"
#include "ascii.hpp"

#include <sift/json.hpp>
#include <sift/lists.hpp>
#include <sift/settings.hpp>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>

namespace sift::milter {

namespace fs = std::filesystem;

namespace {

// A name that stays one file name below the scripts directory.
bool safe_component(std::string_view s) {
    return !s.empty() && s.front() != '.' &&
           s.find_first_of(std::string_view("/\0", 2)) == std::string_view::npos;
}

std::optional<std::string> read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

store::store_config store_spec(const std::string& s) {
    try {
        return sift::parse_store(s);
    } catch (const std::invalid_argument& e) {
        throw startup_error(std::string("--store ") + e.what());
    }
}

}  // namespace

std::string_view needs_name(sift::needs n) {
    switch (n) {
        case sift::needs::envelope:
            return "envelope";
        case sift::needs::headers:
            return "headers";
        case sift::needs::body:
            return "body";
    }
    return "body";
}

std::optional<sift::needs> parse_needs(std::string_view s) {
    for (auto n : {sift::needs::envelope, sift::needs::headers, sift::needs::body})
        if (s == needs_name(n)) return n;
    return std::nullopt;
}

std::optional<fs::path> user_script_path(const fs::path& dir, std::string_view address) {
    auto at = address.rfind('@');
    if (at == std::string_view::npos) return std::nullopt;
    std::string local = lower(address.substr(0, at));
    std::string domain = lower(address.substr(at + 1));
    if (auto plus = local.find('+'); plus != std::string::npos) local.erase(plus);
    if (!safe_component(local) || !safe_component(domain)) return std::nullopt;
    return dir / domain / (local + ".sieve");
}

srs::config read_srs_config(const std::string& domain, const std::vector<std::string>& secret_files,
                            const std::vector<std::string>& exclude) {
    if (domain.empty()) throw std::invalid_argument("--srs-secret-file needs --srs-domain");
    if (secret_files.empty()) throw std::invalid_argument("--srs-domain needs --srs-secret-file");
    srs::config c{.domain = domain, .secrets = {}, .exclude_domains = exclude};
    for (const auto& path : secret_files) {
        std::ifstream in(path);
        std::string line;
        if (!in || !std::getline(in, line))
            throw std::invalid_argument("--srs-secret-file " + path + ": cannot read a line");
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty()) throw std::invalid_argument("--srs-secret-file " + path + ": the secret is empty");
        c.secrets.push_back(line);
    }
    srs::check(c);
    return c;
}

std::vector<std::int64_t> fingerprint(const std::vector<fs::path>& files) {
    std::vector<std::int64_t> out;
    out.reserve(files.size() * 2);
    for (const auto& f : files) {
        std::error_code ec;
        auto t = fs::last_write_time(f, ec);
        out.push_back(ec ? -1 : std::int64_t(t.time_since_epoch().count()));
        auto size = fs::is_regular_file(f, ec) ? fs::file_size(f, ec) : 0;
        out.push_back(ec ? -1 : std::int64_t(size));
    }
    return out;
}

bool decides_alone(const sift::script& s) {
    static constexpr std::string_view per_message[] = {"reject", "ereject", "editheader", "replace",
                                                       "enclose"};
    for (const auto& c : s.capabilities())
        if (std::find(std::begin(per_message), std::end(per_message), c) != std::end(per_message))
            return true;
    return false;
}

engine::engine(settings s, std::function<void(const std::string&)> log)
    : settings_(std::move(s)), log_(std::move(log)), metrics_(std::make_unique<metrics>()) {
    // The store (--store, else the configuration's with --config) and the
    // lists (the configuration's lists.dir, else the store's): sift/site.hpp.
    try {
        sift::site_open how;
        if (!settings_.store_from_site) how.store = store_spec(settings_.store);
        services_ = std::make_unique<sift::site_services>(settings_.site, how);
    } catch (const startup_error&) {
        throw;
    } catch (const std::exception& e) {
        throw startup_error(
            (settings_.store_from_site ? "the configuration's store" : "--store " + settings_.store) + ": " +
            e.what());
    }
    std::string errors;
    auto first = build(settings_.site, errors);
    if (!first) throw startup_error(errors);
    first->generation = 1;
    current_.store(std::move(first));
    if (settings_.outbox) {
        try {
            outbox_ = std::make_unique<outbox>(*settings_.outbox, log_);
        } catch (const std::exception& e) {
            throw startup_error(std::string("--spool: ") + e.what());
        }
    }
}

engine::~engine() = default;

std::shared_ptr<snapshot> engine::build(const sift::config& site, std::string& errors) const {
    auto snap = std::make_shared<snapshot>();
    snap->site = site;
    const std::string& dir = settings_.policy_from_site ? site.policy_dir : settings_.policy;
    // What the poller watches: the configuration file, the policy's
    // directory (a file added or removed) and each file in it, as they are
    // before they are read (a change while they are read is seen later).
    if (!settings_.config_path.empty()) snap->watched.emplace_back(settings_.config_path);
    fs::path policy_dir = dir == "default" ? sift::default_policy_dir() : dir;
    snap->watched.push_back(policy_dir);
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(policy_dir, ec))
        if (entry.is_regular_file(ec)) snap->watched.push_back(entry.path());
    snap->fingerprint = fingerprint(snap->watched);
    try {
        snap->policy = sift::policy::load(dir);
    } catch (const sift::policy_error& e) {
        errors = std::string("--policy: ") + e.what();
        return nullptr;
    }
    if (!snap->policy.ok()) {
        errors = sift::format(snap->policy.errors());
        while (!errors.empty() && errors.back() == '\n') errors.pop_back();
        return nullptr;
    }
    snap->policy_needs = sift::needs::envelope;
    for (const auto* p : {snap->policy.before(), snap->policy.after()})
        if (p) snap->policy_needs = std::max(snap->policy_needs, p->needs());
    // The configuration's limits, attachment quotas, delimiters and trusted
    // authserv-ids, then the command line's ids besides them.
    snap->options = sift::run_options_from(site);
    snap->options.host = &services_->host();
    snap->options.failures = sift::at_mta_stage;
    for (const auto& id : settings_.authserv_ids) snap->options.authres.trusted_authserv_ids.push_back(id);
    return snap;
}

reload_result engine::reload(std::string_view trigger) {
    std::lock_guard lock(reload_mutex_);
    // The end is told however the reload ends.
    struct tell {
        const std::function<void(bool)>& f;
        explicit tell(const std::function<void(bool)>& g) : f(g) {
            if (f) f(false);
        }
        ~tell() {
            if (f) f(true);
        }
    } told(on_reload_);
    auto start = std::chrono::steady_clock::now();
    auto old = current();
    reload_result r;
    std::shared_ptr<snapshot> next;
    try {
        // A configuration that does not parse stops the reload whole
        // (config_error: FILE:LINE:COLUMN: error: KEY: why).
        sift::config site =
            settings_.config_path.empty() ? settings_.site : sift::load_config(settings_.config_path);
        next = build(site, r.errors);
        if (next &&
            !(site.store.kind == old->site.store.kind && site.store.path == old->site.store.path &&
              site.store.host == old->site.store.host && site.store.port == old->site.store.port) &&
            settings_.store_from_site)
            log_(
                "{\"reload\":\"note\",\"store\":\"the configuration names another store; the store "
                "opened at startup stays until a restart\"}");
    } catch (const std::exception& e) {
        r.errors = e.what();
        next = nullptr;
    }
    r.ok = next != nullptr;
    if (r.ok) {
        next->generation = old->generation + 1;
        r.generation = next->generation;
        current_.store(std::move(next));
    } else {
        r.generation = old->generation;
    }
    metrics_->reload(r.ok, r.generation);
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start);
    r.json = "{\"reload\":" + json::quote(r.ok ? "ok" : "failed") + ",\"trigger\":" + json::quote(trigger) +
             ",\"generation\":" + std::to_string(r.generation) +
             (r.ok ? std::string() : ",\"kept\":" + std::to_string(old->generation)) +
             ",\"policy\":" + json::quote(current()->policy.dir()) +
             ",\"config\":" + json::quote(settings_.config_path) +
             (r.ok ? std::string() : ",\"errors\":" + json::quote(r.errors)) +
             ",\"ms\":" + std::to_string(double(us.count()) / 1000.0) + "}";
    log_(r.json);
    return r;
}

std::uint64_t engine::outbox_queued() const {
    return outbox_ ? outbox_->stats().queued : 0;
}

std::shared_ptr<const user_script> engine::script_for(const snapshot& snap, std::string_view address) const {
    if (!settings_.scripts_dir) return nullptr;
    auto path = user_script_path(*settings_.scripts_dir, address);
    if (!path) return nullptr;
    std::error_code ec;
    auto status = fs::status(*path, ec);
    if (ec || !fs::is_regular_file(status)) return nullptr;
    auto mtime = fs::last_write_time(*path, ec);
    auto size = fs::file_size(*path, ec);
    if (ec) return nullptr;
    std::string key = path->string();
    {
        std::lock_guard lock(snap.cache_mutex);
        auto it = snap.cache.find(key);
        if (it != snap.cache.end() && it->second.mtime == mtime && it->second.size == size)
            return it->second.script;
    }
    // Compiled outside the lock: another thread may compile the same file
    // at the same time; both results are the same and one is kept.
    std::shared_ptr<const user_script> compiled;
    if (auto text = read_file(*path)) {
        // Sieve source, or Sift bytecode (sift compile), told apart by its magic.
        auto s =
            sift::is_bytecode(*text) ? sift::script::load(*text, key) : sift::script::compile(*text, key);
        if (s.ok() && settings_.user_scripts_need && s.needs() > *settings_.user_scripts_need) {
            // The MTA was told not to send what this script reads: running it
            // on less would decide on a message it has not seen.
            log_(key + ": reads the " + std::string(needs_name(s.needs())) + ", but --user-scripts-need is " +
                 std::string(needs_name(*settings_.user_scripts_need)) + "; the policy alone applies to " +
                 std::string(address));
        } else if (s.ok()) {
            bool alone = decides_alone(s);
            auto needs = s.needs();
            compiled = std::make_shared<const user_script>(user_script{key, std::move(s), alone, needs});
        } else {
            std::string errors = sift::format(s.errors());
            while (!errors.empty() && errors.back() == '\n') errors.pop_back();
            log_(errors + "\n" + key + ": the policy alone applies to " + std::string(address));
        }
    } else {
        log_(key + ": cannot be read; the policy alone applies to " + std::string(address));
    }
    std::lock_guard lock(snap.cache_mutex);
    snap.cache[key] = snapshot::cached{mtime, size, compiled};
    return compiled;
}

sift::needs engine::needs_for(const snapshot& snap, const user_script* own) const {
    return own ? std::max(snap.policy_needs, own->needs) : snap.policy_needs;
}

bool engine::body_needed(const snapshot& snap) const {
    if (snap.policy_needs == sift::needs::body) return true;
    if (!settings_.scripts_dir) return false;
    return !settings_.user_scripts_need || *settings_.user_scripts_need == sift::needs::body;
}

sift::result engine::run(const snapshot& snap, const sift::session& client, const sift::message& msg,
                         const sift::envelope& env, const user_script* own) const {
    // The recipient's settings (store over configuration) reach the
    // scripts as vnd.sift.* environment items (sift/policy.hpp). A store
    // that cannot be read throws: the message is tempfailed.
    return snap.policy.run(client, msg, env, snap.options, own ? &own->script : nullptr, snap.site,
                           sift::settings_for(snap.site, services_->state(), env.to));
}

const sift::script& engine::report_script(const snapshot& snap, const user_script* own) const {
    if (own) return own->script;
    return snap.policy.before() ? *snap.policy.before() : *snap.policy.after();
}

std::size_t engine::send_replies(const sift::result& r, std::string_view queue_id) const {
    std::size_t queued = 0;
    auto send = [&](const std::optional<outgoing_message>& m, std::string_view why) {
        if (!m) return;
        if (!outbox_) {
            log_("{\"queue_id\":" + json::quote(queue_id) + ",\"not_sent\":" + json::quote(why) +
                 ",\"to\":" + json::quote(m->recipients.empty() ? std::string() : m->recipients.front()) +
                 ",\"why\":\"no --relay and --spool\"}");
            return;
        }
        outbox_->enqueue(*m, why, queue_id);
        ++queued;
    };
    for (const auto& a : r.actions) {
        if (const auto* v = std::get_if<vacation_action>(&a)) send(v->outgoing, "vacation");
        if (const auto* n = std::get_if<notify_action>(&a)) send(n->outgoing, "notify");
    }
    return queued;
}

std::string engine::header_settings_key(const snapshot& snap, std::string_view recipient) const {
    auto u = sift::settings_for(snap.site, services_->state(), recipient);
    return u.spam_threshold.text() + " " + u.reject_threshold.text() + (u.filter_spam ? " on" : " off");
}

bool engine::sender_blocked(const snapshot& snap, std::string_view sender, std::string_view recipient) const {
    if (!settings_.rcpt_block_lists || sender.empty()) return false;
    auto user = lists::list_user(recipient, snap.site.recipient_delimiters);
    bool listed = (!user.empty() && services_->lists().contains(lists::user_list(user, "block"), sender)) ||
                  services_->lists().contains(lists::global_block, sender);
    // The recipient may want blocked mail in Spam rather than refused
    // (setting "blocked"): then the policy decides at end-of-message.
    return listed && sift::settings_for(snap.site, services_->state(), recipient).blocked ==
                         sift::blocked_action::refuse;
}

local_delivery local_delivery_for(const engine& e, const snapshot& snap) {
    return {e.config().local_mailers, snap.site.recipient_delimiters};
}

}  // namespace sift::milter
