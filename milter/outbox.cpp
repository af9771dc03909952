#include "outbox.hpp"

#include <curl/curl.h>

#include <unistd.h>
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <system_error>

namespace sift::milter {
namespace {

namespace fs = std::filesystem;
using clock = std::chrono::system_clock;

constexpr std::string_view spool_magic = "sift-outbox 1";

std::int64_t to_seconds(clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}
clock::time_point from_seconds(std::int64_t s) {
    return clock::time_point(std::chrono::seconds(s));
}

// A spool header value: one line.
std::string one_line(std::string_view s) {
    std::string out(s);
    std::replace_if(
        out.begin(), out.end(), [](char c) { return c == '\r' || c == '\n'; }, ' ');
    return out;
}

enum class sent { ok, later, never };

struct upload {
    std::string_view data;
    std::size_t at = 0;
};

std::size_t read_data(char* buffer, std::size_t size, std::size_t n, void* user) {
    auto* u = static_cast<upload*>(user);
    std::size_t len = std::min(size * n, u->data.size() - u->at);
    std::copy_n(u->data.data() + u->at, len, buffer);
    u->at += len;
    return len;
}

// One SMTP transaction with the relay. `detail` says what went wrong.
sent smtp_send(const outbox_config& c, const outgoing_message& m, std::string& detail) {
    static std::once_flag init;
    std::call_once(init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
    if (!curl) {
        detail = "curl_easy_init failed";
        return sent::later;
    }
    curl_slist* rcpts = nullptr;
    for (const auto& r : m.recipients) rcpts = curl_slist_append(rcpts, ("<" + r + ">").c_str());
    std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> rcpt_list(rcpts, curl_slist_free_all);
    upload u{m.data};
    std::string from = "<" + m.envelope_from + ">";
    char error[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(curl.get(), CURLOPT_URL, c.relay.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_MAIL_FROM, from.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_MAIL_RCPT, rcpts);
    curl_easy_setopt(curl.get(), CURLOPT_READFUNCTION, read_data);
    curl_easy_setopt(curl.get(), CURLOPT_READDATA, &u);
    curl_easy_setopt(curl.get(), CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT, static_cast<long>(c.timeout.count()));
    curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);  // threads: no SIGALRM for timeouts
    curl_easy_setopt(curl.get(), CURLOPT_ERRORBUFFER, error);
    CURLcode rc = curl_easy_perform(curl.get());
    if (rc == CURLE_OK) return sent::ok;
    long code = 0;
    curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &code);
    detail = (error[0] ? std::string(error) : std::string(curl_easy_strerror(rc))) +
             (code ? " (relay said " + std::to_string(code) + ")" : std::string());
    // A 5xx is the relay's final word; anything else (no connection, a
    // timeout, 4xx) may go better later.
    return code >= 500 && code < 600 ? sent::never : sent::later;
}

}  // namespace

std::string relay_helo(std::string_view relay) {
    auto scheme = relay.find("://");
    auto rest = scheme == std::string_view::npos ? relay : relay.substr(scheme + 3);
    if (auto slash = rest.find('/'); slash != std::string_view::npos && slash + 1 < rest.size())
        return std::string(rest.substr(slash + 1));
    char host[256] = "";
    if (gethostname(host, sizeof host - 1) == 0 && host[0]) return host;
    return "localhost";
}

outbox::outbox(outbox_config c, std::function<void(const std::string&)> log)
    : config_(std::move(c)), log_(std::move(log)) {
    if (config_.spool.empty()) throw std::runtime_error("outbox: no spool directory");
    std::error_code ec;
    fs::create_directories(config_.spool, ec);
    if (ec) throw std::runtime_error("outbox: spool " + config_.spool.string() + ": " + ec.message());
    for (const auto& f : fs::directory_iterator(config_.spool, ec)) {
        auto name = f.path().filename().string();
        if (name.ends_with(".tmp")) {
            fs::remove(f.path(), ec);  // a write cut short: never queued
            continue;
        }
        if (!name.ends_with(".msg")) continue;
        try {
            queue_.push_back(load(f.path()));
        } catch (const std::exception& e) {
            log_("outbox: " + f.path().string() + ": " + e.what() + " (left in the spool)");
        }
    }
    if (ec) throw std::runtime_error("outbox: spool " + config_.spool.string() + ": " + ec.message());
    counters_.queued = queue_.size();
    if (!queue_.empty())
        log_("outbox: " + std::to_string(queue_.size()) + " message(s) from the spool to send");
    sender_ = std::thread([this] { run(); });
}

outbox::~outbox() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (sender_.joinable()) sender_.join();
}

void outbox::save(const entry& e) const {
    auto tmp = e.file;
    tmp += ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << spool_magic << "\n"
            << "why " << one_line(e.why) << "\n"
            << "queue-id " << one_line(e.queue_id) << "\n"
            << "from " << one_line(e.message.envelope_from) << "\n";
        for (const auto& r : e.message.recipients) out << "to " << one_line(r) << "\n";
        out << "queued " << to_seconds(e.queued_at) << "\n"
            << "attempts " << e.attempts << "\n"
            << "next " << to_seconds(e.next_attempt) << "\n\n"
            << e.message.data;
        out.flush();
        if (!out) throw std::runtime_error("outbox: cannot write " + tmp.string());
    }
    // Whole or absent: the rename is atomic within the directory.
    std::error_code ec;
    fs::rename(tmp, e.file, ec);
    if (ec) throw std::runtime_error("outbox: " + e.file.string() + ": " + ec.message());
}

outbox::entry outbox::load(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::string line;
    if (!std::getline(in, line) || line != spool_magic) throw std::runtime_error("not an outbox file");
    entry e;
    e.file = file;
    while (std::getline(in, line) && !line.empty()) {
        auto sp = line.find(' ');
        auto key = line.substr(0, sp);
        auto value = sp == std::string::npos ? std::string() : line.substr(sp + 1);
        if (key == "why")
            e.why = value;
        else if (key == "queue-id")
            e.queue_id = value;
        else if (key == "from")
            e.message.envelope_from = value;
        else if (key == "to")
            e.message.recipients.push_back(value);
        else if (key == "queued")
            e.queued_at = from_seconds(std::stoll(value));
        else if (key == "attempts")
            e.attempts = std::stoi(value);
        else if (key == "next")
            e.next_attempt = from_seconds(std::stoll(value));
        else
            throw std::runtime_error("unknown field '" + key + "'");
    }
    std::ostringstream rest;
    rest << in.rdbuf();
    e.message.data = rest.str();
    if (e.message.recipients.empty()) throw std::runtime_error("no recipient");
    return e;
}

void outbox::enqueue(const outgoing_message& m, std::string_view why, std::string_view queue_id) {
    entry e;
    e.message = m;
    e.why = why;
    e.queue_id = queue_id;
    e.queued_at = e.next_attempt = clock::now();
    {
        std::lock_guard lock(mutex_);
        // Unique within this spool: time, process, sequence.
        e.file = config_.spool / (std::to_string(to_seconds(e.queued_at)) + "." + std::to_string(::getpid()) +
                                  "." + std::to_string(++sequence_) + ".msg");
    }
    save(e);
    {
        std::lock_guard lock(mutex_);
        queue_.push_back(std::move(e));
        ++counters_.queued;
    }
    wake_.notify_all();
}

outbox::counters outbox::stats() const {
    std::lock_guard lock(mutex_);
    return counters_;
}

bool outbox::drain(std::chrono::milliseconds limit) {
    std::unique_lock lock(mutex_);
    return drained_.wait_for(lock, limit, [this] { return queue_.empty(); });
}

void outbox::retry_now() {
    {
        std::lock_guard lock(mutex_);
        for (auto& e : queue_) e.next_attempt = clock::now();
    }
    wake_.notify_all();
}

void outbox::run() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        auto due = std::min_element(queue_.begin(), queue_.end(), [](const entry& a, const entry& b) {
            return a.next_attempt < b.next_attempt;
        });
        if (due == queue_.end()) {
            wake_.wait(lock);
            continue;
        }
        if (due->next_attempt > clock::now()) {
            wake_.wait_until(lock, due->next_attempt);
            continue;
        }
        // Send without the lock: enqueue never waits for the relay.
        entry e = *due;
        lock.unlock();
        attempt(e);
        lock.lock();
        // Sent or dropped: attempt() took it out. Deferred: its new retry time.
        auto it =
            std::find_if(queue_.begin(), queue_.end(), [&](const entry& q) { return q.file == e.file; });
        if (it != queue_.end()) *it = e;
    }
}

void outbox::attempt(entry& e) {
    std::string detail;
    auto result = smtp_send(config_, e.message, detail);
    auto to = e.message.recipients.empty() ? std::string() : e.message.recipients.front();
    auto label = "outbox: " + e.why + " for " + (e.queue_id.empty() ? std::string("-") : e.queue_id) +
                 " to <" + to + ">";
    auto finish = [&](bool was_sent) {
        std::error_code ec;
        fs::remove(e.file, ec);
        std::lock_guard lock(mutex_);
        auto it =
            std::find_if(queue_.begin(), queue_.end(), [&](const entry& q) { return q.file == e.file; });
        if (it != queue_.end()) queue_.erase(it);
        counters_.queued = queue_.size();
        ++(was_sent ? counters_.sent : counters_.dropped);
        if (queue_.empty()) drained_.notify_all();
    };
    if (result == sent::ok) {
        log_(label + ": sent to " + config_.relay);
        finish(true);
        return;
    }
    ++e.attempts;
    auto age = clock::now() - e.queued_at;
    if (result == sent::never || age >= config_.give_up_after) {
        log_(label + ": dropped after " + std::to_string(e.attempts) + " attempt(s): " + detail);
        finish(false);
        return;
    }
    // Retry: 30 s, 60 s, 120 s, ... up to retry_max (by default).
    auto delay = config_.retry_first;
    for (int i = 1; i < e.attempts && delay < config_.retry_max; ++i) delay *= 2;
    delay = std::min(delay, config_.retry_max);
    e.next_attempt = clock::now() + delay;
    log_(label + ": deferred (" + detail + "), attempt " + std::to_string(e.attempts) + ", next in " +
         std::to_string(delay.count()) + " s");
    try {
        save(e);
    } catch (const std::exception& x) {
        log_(label + ": " + x.what());
    }
    std::lock_guard lock(mutex_);
    ++counters_.deferred;
}

}  // namespace sift::milter
