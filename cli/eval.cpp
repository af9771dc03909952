// sift eval [--policy default|DIR] [--config FILE] --labels FILE [--json] DIR: the policy over
// a labelled corpus, counted as SpamAssassin's mass-check and
// hit-frequencies count it (its STATISTICS files): spam caught, ham caught
// by mistake, the same at other thresholds, and how often each rule hits
// spam and ham. Caught is what the policy decided: refused, or filed into
// the Spam folder; Promotions and Social are not Spam.
#include "commands.hpp"
#include "corpus.hpp"
#include "envelope_defaults.hpp"
#include "host.hpp"
#include "input.hpp"
#include "site.hpp"

#include <sift/host.hpp>
#include <sift/json.hpp>
#include <sift/policy.hpp>
#include <sift/settings.hpp>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include <unistd.h>

namespace fs = std::filesystem;

namespace sift::cli {
namespace {

struct eval_options {
    std::optional<std::string> policy;  // else the configuration's policy.dir
    std::string labels;
    std::string dir;
    bool json = false;
    unsigned jobs = std::max(1u, std::thread::hardware_concurrency());
    std::string spam_folder = "Spam";
    // The spam threshold the policy files into Spam at: --threshold, else
    // the configuration's spam.threshold (5 without --config).
    std::string threshold;
    std::vector<std::string> thresholds;  // the sweep; empty: default_sweep
    std::vector<std::string> groups;      // only messages in one of these
    std::string clock = "received";       // or "system"
    std::optional<std::string> log;       // mass-check's per-message lines
    host_options host;
};

const std::vector<std::string> default_sweep = {"1", "2", "3",  "4",  "5",  "6",
                                                "7", "8", "10", "12", "15", "20"};

// A decimal score as vnd.sift.score keeps it, in thousandths ("2.5" 2500),
// so that the sweep compares exactly what the policy's `score :value "ge"`
// compares.
std::optional<std::int64_t> thousandths(std::string_view text) {
    bool negative = !text.empty() && text[0] == '-';
    if (negative) text.remove_prefix(1);
    auto dot = text.find('.');
    auto whole = text.substr(0, dot);
    auto fraction = dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
    if (whole.empty() || fraction.size() > 3 || (dot != std::string_view::npos && fraction.empty()))
        return std::nullopt;
    std::int64_t value = 0;
    for (char c : whole) {
        if (c < '0' || c > '9' || value > 1'000'000'000) return std::nullopt;
        value = value * 10 + (c - '0');
    }
    value *= 1000;
    std::int64_t scale = 100;
    for (char c : fraction) {
        if (c < '0' || c > '9') return std::nullopt;
        value += (c - '0') * scale;
        scale /= 10;
    }
    return negative ? -value : value;
}

const CLI::Validator decimal(
    [](std::string& value) -> std::string {
        return thousandths(value) ? std::string() : "must be a decimal such as 5 or 2.5, not '" + value + "'";
    },
    "DECIMAL");

enum class label { spam, ham };

// One line of the labels file: FILE<TAB>spam|ham[<TAB>group...].
struct labelled {
    std::string file;
    label is;
    std::vector<std::string> groups;
    unsigned line = 0;
};

std::vector<labelled> read_labels(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw io_error(path + ": " + std::strerror(errno));
    std::vector<labelled> out;
    std::string text;
    for (unsigned n = 1; std::getline(in, text); ++n) {
        if (!text.empty() && text.back() == '\r') text.pop_back();
        if (text.empty() || text[0] == '#') continue;  // blank lines and comments
        std::vector<std::string> fields;
        for (std::size_t at = 0;;) {
            auto tab = text.find('\t', at);
            fields.push_back(text.substr(at, tab - at));
            if (tab == std::string::npos) break;
            at = tab + 1;
        }
        auto where = path + ":" + std::to_string(n) + ": error: ";
        if (fields.size() < 2 || fields[0].empty())
            throw usage_error(where + "expected FILE<TAB>spam|ham[<TAB>group...], not '" + text + "'");
        if (fields[1] != "spam" && fields[1] != "ham")
            throw usage_error(where + "the label is spam or ham, not '" + fields[1] + "'");
        labelled l{fields[0], fields[1] == "spam" ? label::spam : label::ham, {}, n};
        for (std::size_t i = 2; i < fields.size(); ++i)
            if (!fields[i].empty()) l.groups.push_back(fields[i]);
        out.push_back(std::move(l));
    }
    return out;
}

// What one message came to.
struct outcome {
    bool caught = false;   // refused or filed into the Spam folder
    bool refused = false;  // the verdict refuse
    std::string folder;    // a deliver verdict's first folder ("INBOX", "Promotions", ...)
    std::int64_t spam = 0;
    std::vector<score_hit> hits;  // the spam category's
    std::string error;            // a runtime error or failed lookup
};

struct file_outcomes {
    std::vector<outcome> messages;  // an mbox file holds several
    std::string error;              // the file could not be read
};

outcome classify(const result& r, const std::string& spam_folder) {
    outcome o;
    o.refused = r.verdict.what == verdict::kind::refuse;
    auto folders = r.folders();
    if (!folders.empty()) o.folder = *folders.begin();
    o.caught = o.refused || std::find(folders.begin(), folders.end(), spam_folder) != folders.end();
    o.spam = r.score("spam");
    for (const auto& h : r.hits)
        if (h.category == "spam") o.hits.push_back(h);
    if (!r.ok())
        o.error =
            r.errors.empty() ? std::string(r.lookup_failed() ? "lookup failed" : "failed") : r.errors.front();
    return o;
}

// The time a message arrived, as the receiving server wrote it: the date
// after the last ';' of the first (topmost) Received field (RFC 5322
// §3.6.7), "Thu, 22 Aug 2002 08:17:21 -0400 (EDT)". A corpus's mail is
// judged on the day it came, as a server judged it then, not years later
// (currentdate; a Date "far in the past" is far from that day).
std::optional<host::time_point> arrival(const message& msg) {
    auto received = msg.unfolded_header("received");
    if (!received) return std::nullopt;
    auto semicolon = received->rfind(';');
    if (semicolon == std::string::npos) return std::nullopt;
    std::string date = received->substr(semicolon + 1);
    const char* at = date.c_str();
    while (*at == ' ' || *at == '\t') ++at;
    if (const char* comma = std::strchr(at, ','); comma && comma - at <= 9) at = comma + 1;  // the weekday
    std::tm tm{};
    const char* rest = ::strptime(at, " %d %b %Y %H:%M:%S", &tm);  // glibc strptime: RFC 5322's month names
    if (!rest) return std::nullopt;
    while (*rest == ' ') ++rest;
    long offset = 0;  // "-0400"; obsolete zone names ("EDT") and none count as UTC
    if ((rest[0] == '+' || rest[0] == '-') && std::isdigit(static_cast<unsigned char>(rest[1]))) {
        long hhmm = std::strtol(rest + 1, nullptr, 10);
        offset = (hhmm / 100 * 3600 + hhmm % 100 * 60) * (rest[0] == '-' ? -1 : 1);
    }
    return host::time_point(std::chrono::seconds(::timegm(&tm) - offset));
}

// The shared host with one message's clock: every service is the shared
// one, only now() is the message's arrival.
class arrival_host : public host {
public:
    arrival_host(const host& shared, time_point t) : shared_(shared), t_(t) {}
    time_point now() const override { return t_; }
    store::store* state() const override { return shared_.state(); }
    const list_provider* lists() const override { return shared_.lists(); }
    const mailbox_host* mailboxes() const override { return shared_.mailboxes(); }
    std::optional<double> score(score_test test) const override { return shared_.score(test); }
    void log(log_level level, std::string_view message) const override { shared_.log(level, message); }
    bool provides(service s) const override { return shared_.provides(s); }

private:
    const host& shared_;
    time_point t_;
};

// What every message of a run shares: the policy, the site's
// configuration, the store the recipients' settings are read from.
struct eval_run {
    const sift::policy& policy;
    const config& site;
    store::store* state;

    // The policy for the recipient of `env` with that user's settings (the
    // configuration's defaults overlaid by the user's record), as sift run
    // and sift-milter run it.
    result run(const message& msg, const envelope& env, const run_options& options) const {
        return policy.run(session{}, msg, env, options, nullptr, site, settings_for(site, state, env.to));
    }
};

file_outcomes evaluate_file(const eval_run& policy, const std::string& path, const eval_options& o,
                            const run_options& options) {
    file_outcomes out;
    mapped_file mapping(path);
    auto data = mapping.view();
    if (data.empty()) {
        out.error = path + ": empty file, no message";
        return out;
    }
    bool mbox = mbox_start(data) != std::string_view::npos;
    auto messages = mbox ? mbox_messages(data, 0, std::string_view::npos)
                         : std::vector<message_text>{single_message(data)};
    for (const auto& m : messages) {
        bool quoted = mbox && ::memmem(m.raw.data(), m.raw.size(), ">From ", 6) != nullptr;
        auto msg = quoted ? message::from_raw(unquote_mbox(m.raw), policy.site.message)
                          : message::view(m.raw, policy.site.message);
        auto env = envelope_for(msg, o.host.from, o.host.to);
        std::optional<host::time_point> arrived;
        if (o.clock == "received") arrived = arrival(msg);
        if (!arrived) {
            out.messages.push_back(classify(policy.run(msg, env, options), o.spam_folder));
            continue;
        }
        arrival_host clock(options.host ? *options.host : default_host(), *arrived);
        auto mine = options;
        mine.host = &clock;
        out.messages.push_back(classify(policy.run(msg, env, mine), o.spam_folder));
    }
    return out;
}

// "12.3456": a percentage as hit-frequencies prints it.
std::string percent(std::size_t n, std::size_t of, int decimals = 4) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, of ? 100.0 * double(n) / double(of) : 0.0);
    return buf;
}

std::string ratio(double x) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", x);
    return buf;
}

// hit-frequencies' S/O: the share of a rule's hits that are spam, with
// each side as a percentage of its own total (so a corpus with more ham
// than spam does not lower it); 0.5 for a rule that hits nothing.
double s_o(double spam_percent, double ham_percent) {
    return spam_percent + ham_percent > 0 ? spam_percent / (spam_percent + ham_percent) : 0.5;
}

struct rule_count {
    std::int64_t weight = 0;  // the first hit's
    std::size_t spam = 0, ham = 0;
};

struct side {
    std::size_t total = 0, caught = 0, refused = 0;
    std::map<std::string, std::size_t> folders;  // delivered, not caught: folder -> messages
};

struct tally {
    side spam, ham;
    std::vector<std::int64_t> sweep;      // thresholds, thousandths
    std::vector<std::size_t> sweep_spam;  // caught at each threshold
    std::vector<std::size_t> sweep_ham;
    std::map<std::string, rule_count> rules;
    std::map<std::string, std::pair<side, side>> groups;  // group -> (spam, ham)
    std::size_t errors = 0;
};

void count(side& s, const outcome& m) {
    ++s.total;
    if (m.caught) ++s.caught;
    if (m.refused) ++s.refused;
    if (!m.caught && !m.folder.empty()) ++s.folders[m.folder];
}

tally add_up(const std::vector<labelled>& labels, const std::vector<file_outcomes>& results,
             const eval_options& o) {
    tally t;
    for (const auto& x : o.thresholds.empty() ? default_sweep : o.thresholds)
        t.sweep.push_back(*thousandths(x));
    std::sort(t.sweep.begin(), t.sweep.end());
    t.sweep.erase(std::unique(t.sweep.begin(), t.sweep.end()), t.sweep.end());
    t.sweep_spam.assign(t.sweep.size(), 0);
    t.sweep_ham.assign(t.sweep.size(), 0);
    const std::int64_t policy_threshold = *thousandths(o.threshold);
    for (std::size_t i = 0; i < labels.size(); ++i) {
        bool is_spam = labels[i].is == label::spam;
        for (const auto& m : results[i].messages) {
            if (!m.error.empty()) ++t.errors;
            count(is_spam ? t.spam : t.ham, m);
            for (const auto& g : labels[i].groups) {
                auto& [gs, gh] = t.groups[g];
                count(is_spam ? gs : gh, m);
            }
            // At another threshold: a message caught below the policy's
            // own threshold was caught by another rule (a block list, an
            // attachment, DMARC), which no threshold changes.
            bool other_rule = m.caught && m.spam < policy_threshold;
            for (std::size_t k = 0; k < t.sweep.size(); ++k)
                if (other_rule || m.spam >= t.sweep[k]) ++(is_spam ? t.sweep_spam : t.sweep_ham)[k];
            for (const auto& h : m.hits) {
                auto [it, fresh] = t.rules.try_emplace(h.rule);
                if (fresh) it->second.weight = h.weight;
                ++(is_spam ? it->second.spam : it->second.ham);
            }
        }
    }
    return t;
}

struct rule_row {
    std::string name;
    rule_count c;
    double spam_percent, ham_percent, so, precision;
};

std::vector<rule_row> rule_rows(const tally& t) {
    std::vector<rule_row> rows;
    for (const auto& [name, c] : t.rules) {
        double sp = t.spam.total ? 100.0 * double(c.spam) / double(t.spam.total) : 0;
        double hp = t.ham.total ? 100.0 * double(c.ham) / double(t.ham.total) : 0;
        rows.push_back({name, c, sp, hp, s_o(sp, hp), double(c.spam) / double(c.spam + c.ham)});
    }
    // As hit-frequencies sorts them: the surest rules first.
    std::stable_sort(rows.begin(), rows.end(), [](const rule_row& a, const rule_row& b) {
        if (a.so != b.so) return a.so > b.so;
        return a.c.spam + a.c.ham > b.c.spam + b.c.ham;
    });
    return rows;
}

void print_text(const tally& t, const eval_options& o) {
    const auto& s = t.spam;
    const auto& h = t.ham;
    std::printf("# SUMMARY as the policy decided (caught: refused or filed into %s):\n",
                o.spam_folder.c_str());
    std::printf("# Correctly non-spam: %7zu  %s%%\n", h.total - h.caught,
                percent(h.total - h.caught, h.total, 2).c_str());
    std::printf("# Correctly spam:     %7zu  %s%%  (%zu refused)\n", s.caught,
                percent(s.caught, s.total, 2).c_str(), s.refused);
    std::printf("# False positives:    %7zu  %s%%  (%zu refused)\n", h.caught,
                percent(h.caught, h.total, 2).c_str(), h.refused);
    std::printf("# False negatives:    %7zu  %s%%\n", s.total - s.caught,
                percent(s.total - s.caught, s.total, 2).c_str());
    for (const auto& [what, sd] : {std::pair{"spam", &s}, std::pair{"ham", &h}})
        for (const auto& [folder, n] : sd->folders)
            std::printf("# %s delivered to %s: %zu\n", what, folder.c_str(), n);
    if (t.errors) std::printf("# Runs that failed (runtime error or lookup): %zu\n", t.errors);
    std::printf("#\n# By threshold (spam score >= THRESHOLD, or caught by another rule):\n");
    std::printf("# THRESHOLD  SPAM CAUGHT    SPAM%%  HAM CAUGHT     HAM%%\n");
    for (std::size_t k = 0; k < t.sweep.size(); ++k)
        std::printf("# %9s  %11zu  %7s  %10zu  %7s\n", format_score(t.sweep[k]).c_str(), t.sweep_spam[k],
                    percent(t.sweep_spam[k], s.total, 2).c_str(), t.sweep_ham[k],
                    percent(t.sweep_ham[k], h.total, 2).c_str());
    if (!t.groups.empty()) {
        std::printf("#\n# By group:\n# %-20s %6s %7s %6s %7s\n", "GROUP", "SPAM", "CAUGHT", "HAM", "CAUGHT");
        for (const auto& [g, sides] : t.groups)
            std::printf("# %-20s %6zu %7zu %6zu %7zu\n", g.c_str(), sides.first.total, sides.first.caught,
                        sides.second.total, sides.second.caught);
    }
    std::printf("\n%8s %8s %8s %6s %6s %6s %9s %7s  %s\n", "OVERALL%", "SPAM%", "HAM%", "S/O", "SPAM", "HAM",
                "PRECISION", "SCORE", "NAME");
    std::size_t all = s.total + h.total;
    double all_so = all ? double(s.total) / double(all) : 0;
    std::printf("%8zu %8zu %8zu %6s %6s %6s %9s %7s  %s\n", all, s.total, h.total, ratio(all_so).c_str(), "",
                "", "", "0", "(all messages)");
    std::printf("%8s %8s %8s %6s %6s %6s %9s %7s  %s\n", percent(all, all, 3).c_str(),
                percent(s.total, all).c_str(), percent(h.total, all).c_str(), ratio(all_so).c_str(), "", "",
                "", "0", "(all messages as %)");
    for (const auto& r : rule_rows(t)) {
        std::printf("%8s %8s %8s %6s %6zu %6zu %9s %7s  %s\n", percent(r.c.spam + r.c.ham, all, 3).c_str(),
                    percent(r.c.spam, s.total).c_str(), percent(r.c.ham, h.total).c_str(),
                    ratio(r.so).c_str(), r.c.spam, r.c.ham, ratio(r.precision).c_str(),
                    format_score(r.c.weight).c_str(), r.name.c_str());
    }
}

std::string json_side(const side& sd, bool spam) {
    std::string out = "{\"total\":" + std::to_string(sd.total) +
                      (spam ? ",\"caught\":" : ",\"false_positives\":") + std::to_string(sd.caught) +
                      ",\"refused\":" + std::to_string(sd.refused) + ",\"delivered\":{";
    bool first = true;
    for (const auto& [folder, n] : sd.folders) {
        out += (first ? "" : ",") + json::quote(folder) + ":" + std::to_string(n);
        first = false;
    }
    return out + "}}";
}

std::string number(double x) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4f", x);
    return buf;
}

void print_json(const tally& t, const eval_options& o) {
    std::string out = "{\"spam\":" + json_side(t.spam, true) + ",\"ham\":" + json_side(t.ham, false);
    out += ",\"spam_folder\":" + json::quote(o.spam_folder) +
           ",\"threshold\":" + format_score(*thousandths(o.threshold));
    out += ",\"errors\":" + std::to_string(t.errors) + ",\"by_threshold\":[";
    for (std::size_t k = 0; k < t.sweep.size(); ++k)
        out += std::string(k ? "," : "") + "{\"threshold\":" + format_score(t.sweep[k]) +
               ",\"spam_caught\":" + std::to_string(t.sweep_spam[k]) +
               ",\"ham_false_positives\":" + std::to_string(t.sweep_ham[k]) + "}";
    out += "],\"rules\":[";
    bool first = true;
    for (const auto& r : rule_rows(t)) {
        out += std::string(first ? "" : ",") + "{\"rule\":" + json::quote(r.name) +
               ",\"weight\":" + format_score(r.c.weight) + ",\"spam_hits\":" + std::to_string(r.c.spam) +
               ",\"ham_hits\":" + std::to_string(r.c.ham) + ",\"spam_percent\":" + number(r.spam_percent) +
               ",\"ham_percent\":" + number(r.ham_percent) + ",\"s_o\":" + number(r.so) +
               ",\"precision\":" + number(r.precision) + "}";
        first = false;
    }
    out += "],\"groups\":[";
    first = true;
    for (const auto& [g, sides] : t.groups) {
        out += std::string(first ? "" : ",") + "{\"group\":" + json::quote(g) +
               ",\"spam\":" + json_side(sides.first, true) + ",\"ham\":" + json_side(sides.second, false) +
               "}";
        first = false;
    }
    std::cout << out << "]}\n";
}

// One line per message, as SpamAssassin's mass-check logs them: Y when
// caught ('.' when not), the spam score, the label, the file (FILE#N for
// the N-th message of an mbox), the spam rules that hit.
void write_log(const std::string& path, const std::vector<labelled>& labels,
               const std::vector<file_outcomes>& results) {
    std::ofstream out(path);
    if (!out) throw io_error(path + ": " + std::strerror(errno));
    for (std::size_t i = 0; i < labels.size(); ++i) {
        const auto& ms = results[i].messages;
        for (std::size_t n = 0; n < ms.size(); ++n) {
            const auto& m = ms[n];
            std::string tests;
            for (const auto& h : m.hits) tests += (tests.empty() ? "" : ",") + h.rule;
            char score[32];
            std::snprintf(score, sizeof score, "%7s", format_score(m.spam).c_str());
            out << (m.caught ? 'Y' : '.') << ' ' << score << ' '
                << (labels[i].is == label::spam ? "spam" : "ham ") << ' ' << labels[i].file
                << (ms.size() > 1 ? "#" + std::to_string(n + 1) : std::string()) << " tests=" << tests
                << "\n";
        }
    }
    if (!out.flush()) throw io_error(path + ": " + std::strerror(errno));
}

bool in_groups(const labelled& l, const std::vector<std::string>& wanted) {
    if (wanted.empty()) return true;
    for (const auto& g : l.groups)
        if (std::find(wanted.begin(), wanted.end(), g) != wanted.end()) return true;
    return false;
}

int eval(eval_options o) {
    // With --config, the site's policy directory, defaults (thresholds,
    // filters, folders), limits, trusted authserv-ids and store (its lists
    // and each recipient's settings); without it the built-in defaults and
    // a memory store.
    config site = load_site(o.host.config);
    if (!o.policy && !o.host.config) throw usage_error("eval: --policy is required (or --config)");
    if (o.threshold.empty()) o.threshold = site.defaults.spam_threshold.text();
    sift::policy policy;
    try {
        policy = sift::policy::load(o.policy.value_or(site.policy_dir), {.global_dir = global_include_dir()});
    } catch (const policy_error& e) {
        throw usage_error(std::string("--") + e.what());
    }
    for (const auto* s : {policy.before(), policy.after()})
        if (s && !s->ok()) {
            if (o.json)
                std::cout << json::report(*s, nullptr) << "\n";
            else
                std::cerr << format(s->errors());
            return 1;
        }
    std::vector<labelled> labels;
    for (auto& l : read_labels(o.labels))
        if (in_groups(l, o.groups)) labels.push_back(std::move(l));
    std::vector<std::string> paths;
    for (const auto& l : labels) {
        auto p = (fs::path(o.dir) / l.file).string();
        std::error_code ec;
        if (!fs::is_regular_file(p, ec))
            throw io_error(o.labels + ":" + std::to_string(l.line) + ": " + p + ": no such file");
        paths.push_back(std::move(p));
    }
    auto h = open_host(o.host, site, o.host.config.has_value());
    const eval_run run{policy, site, h->services.state()};

    std::vector<file_outcomes> results(labels.size());
    std::atomic<std::size_t> next{0}, done{0};
    auto worker = [&] {
        for (std::size_t i; (i = next.fetch_add(1)) < paths.size(); done.fetch_add(1)) {
            try {
                results[i] = evaluate_file(run, paths[i], o, h->options);
            } catch (const std::exception& e) {  // counted below, the others go on
                results[i].error = e.what();
            }
        }
    };
    std::vector<std::thread> pool;
    for (unsigned k = 0; k < std::min<std::size_t>(o.jobs, paths.size()); ++k) pool.emplace_back(worker);
    // The progress line, for a person watching a long run.
    if (::isatty(STDERR_FILENO)) {
        auto started = std::chrono::steady_clock::now();
        while (done.load() < paths.size()) {
            double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
            std::fprintf(stderr, "\rsift eval: %zu/%zu files, %.0f s", done.load(), paths.size(), s);
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
        std::fprintf(stderr, "\r\x1b[K");
    }
    for (auto& t : pool) t.join();

    int status = 0;
    for (std::size_t i = 0; i < results.size(); ++i) {
        if (!results[i].error.empty()) {
            std::cerr << "sift eval: " << results[i].error << "\n";
            status = 2;
        }
        for (const auto& m : results[i].messages)
            if (!m.error.empty()) {
                std::cerr << "sift eval: " << paths[i] << ": " << m.error << "\n";
                status = std::max(status, 3);
            }
    }
    if (o.log) write_log(*o.log, labels, results);
    auto t = add_up(labels, results, o);
    if (o.json)
        print_json(t, o);
    else
        print_text(t, o);
    return status;
}

}  // namespace

command add_eval(CLI::App& sift) {
    auto o = std::make_shared<eval_options>();
    auto* app = sift.add_subcommand(
        "eval", "Run a policy over a labelled corpus: spam caught, ham caught, rule hits");
    app->add_option("--policy", o->policy,
                    "the policy directory; `default`: the bundled policy (docs/POLICY.md); required "
                    "without --config, whose policy.dir it overrides")
        ->type_name("default|DIR");
    app->add_option("--labels", o->labels,
                    "one message a line: FILE<TAB>spam|ham[<TAB>group...], FILE under DIR")
        ->type_name("FILE")
        ->required();
    app->add_flag("--json", o->json, "one JSON object (README: sift eval)");
    app->add_option("--group", o->groups, "only the messages labelled with this group (repeatable)")
        ->type_name("GROUP");
    app->add_option("--spam-folder", o->spam_folder, "the folder that counts as caught (default Spam)")
        ->type_name("NAME");
    app->add_option(
           "--threshold", o->threshold,
           "the policy's spam threshold (default: the configuration's spam.threshold, 5 without --config): "
           "a message caught with a lower spam score was caught by another rule and is caught at every "
           "threshold of the sweep")
        ->type_name("SCORE")
        ->check(decimal);
    app->add_option("--sweep", o->thresholds,
                    "the thresholds of the sweep (default 1,2,3,4,5,6,7,8,10,12,15,20)")
        ->type_name("SCORE,...")
        ->delimiter(',')
        ->check(decimal);
    app->add_option("--log", o->log,
                    "write one line per message to FILE, as mass-check: Y (caught) or ., the spam score, "
                    "the label, the file, tests=RULE,...")
        ->type_name("FILE");
    app->add_option("--jobs", o->jobs, "threads (default: one per core)")
        ->type_name("N")
        ->check(CLI::Range(1u, 1024u));
    app->add_option("--clock", o->clock,
                    "the time scripts see (currentdate): `received`, each message's arrival as its first "
                    "Received field says (default; the system clock when it has none), or `system`")
        ->type_name("received|system")
        ->check(CLI::IsMember({"received", "system"}));
    add_host_options(*app, o->host);
    add_global_dir_option(*app);
    app->add_option("DIR", o->dir, "the directory the labels' FILEs are in")->required();
    return {app, [o] { return eval(*o); }};
}

}  // namespace sift::cli
