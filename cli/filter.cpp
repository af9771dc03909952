// sift filter: one script over a whole mbox, Maildir or directory, on every
// core. Messages are memory-mapped and parsed in place; results are
// printed in input order.
#include "commands.hpp"
#include "corpus.hpp"
#include "describe.hpp"
#include "envelope_defaults.hpp"
#include "host.hpp"
#include "input.hpp"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <map>
#include <thread>

namespace sift::cli {
namespace {

constexpr unsigned max_jobs = 1024;

struct filter_options {
    std::string script;
    bool summary = false;
    unsigned jobs = std::max(1u, std::thread::hardware_concurrency());
    host_options host;
    std::vector<std::string> paths;
};

// --jobs N: a whole number of threads, said plainly when it is not one.
const CLI::Validator job_count(
    [](std::string& value) -> std::string {
        unsigned n = 0;
        auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), n);
        if (error != std::errc() || end != value.data() + value.size() || n < 1 || n > max_jobs)
            return "must be a whole number from 1 to " + std::to_string(max_jobs) + ", not '" + value + "'";
        return {};
    },
    "1.." + std::to_string(max_jobs));

// The outcome a summary counts: the actions without line numbers.
std::string outcome(const result& r) {
    std::string out;
    for (const auto& a : r.actions) {
        if (!out.empty()) out += ", ";
        out += name(a.kind);
        if (a.kind == action_kind::fileinto) out += " " + a.mailbox;
        if (a.kind == action_kind::redirect) out += " " + a.address;
    }
    return r.ok() ? out : out + " (runtime error)";
}

bool quoted_from_lines(std::string_view raw) {
    return ::memmem(raw.data(), raw.size(), ">From ", 6) != nullptr;
}

// The part of a message a script needs: a script that reads only the
// envelope and headers never looks past the blank line, so the body is
// not copied (script::needs(); size tests and body tests need it all).
std::string_view needed_part(std::string_view raw, needs what) {
    if (what == needs::body) return raw;
    if (raw.starts_with("\n")) return raw.substr(0, 1);  // no header at all
    if (raw.starts_with("\r\n")) return raw.substr(0, 2);
    auto end = find_blank_line(raw);
    return end == std::string_view::npos ? raw : raw.substr(0, end);
}

// What the script reads, worked out once for the whole run.
struct script_reads {
    needs part;
    bool envelope;
};

result evaluate(const script& s, const corpus_message& m, const filter_options& o, script_reads reads,
                const services& svc) {
    auto part = needed_part(m.raw, reads.part);
    // mboxrd quotes ">From " lines of the body only; a header-only part has none.
    bool quoted = m.from_mbox && part.size() == m.raw.size() && quoted_from_lines(part);
    std::string raw = quoted ? unquote_mbox(part) : std::string(part);
    auto msg = message::from_raw(std::move(raw));
    // Finding the sender in Return-Path costs an address parse per message:
    // only scripts that look at the envelope pay for it.
    const auto& from = o.host.from;
    const auto& to = o.host.to;
    envelope env = reads.envelope ? envelope_for(msg, from, to)
                                  : envelope{from.value_or(default_from), to.value_or(default_to), {}, {}};
    return s.run(msg, env, {}, &svc);
}

int filter(const filter_options& o) {
    auto s = load_script(o.script);
    if (!s.ok()) {
        std::cerr << format(s.errors());
        return 1;
    }
    corpus c;
    for (const auto& p : o.paths) c.add(p);
    const auto& messages = c.messages();
    auto caps = s.capabilities();
    const script_reads reads{s.needs(), std::find(caps.begin(), caps.end(), "envelope") != caps.end()};
    auto h = open_host(o.host);  // one store and one set of lists for every message
    const services& svc = h->svc;

    auto started = std::chrono::steady_clock::now();
    std::vector<std::string> outcomes(messages.size());
    std::atomic<std::size_t> next{0};
    auto worker = [&] {
        for (std::size_t i; (i = next.fetch_add(64)) < messages.size();)
            for (std::size_t k = i; k < std::min(i + 64, messages.size()); ++k) {
                auto r = evaluate(s, messages[k], o, reads, svc);
                outcomes[k] = o.summary ? outcome(r) : describe(r);
            }
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < std::min<std::size_t>(o.jobs, (messages.size() + 63) / 64); ++t)
        pool.emplace_back(worker);
    worker();
    for (auto& t : pool) t.join();
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

    if (!o.summary) {
        std::string out;
        for (std::size_t i = 0; i < messages.size(); ++i)
            out += messages[i].label() + ": " + outcomes[i] + "\n";
        std::cout << out;
        return 0;
    }
    std::map<std::string, std::size_t> counts;
    for (const auto& x : outcomes) ++counts[x];
    for (const auto& [what, n] : counts) std::printf("%8zu  %s\n", n, what.c_str());
    std::printf("%zu messages in %.3f s (%.0f messages/s, %u jobs)\n", messages.size(), seconds,
                seconds > 0 ? double(messages.size()) / seconds : 0.0, o.jobs);
    return 0;
}

}  // namespace

command add_filter(CLI::App& sift) {
    auto o = std::make_shared<filter_options>();
    auto* app =
        sift.add_subcommand("filter", "Run a script over every message of mboxes, Maildirs, directories");
    app->add_option("--script", o->script, "Sieve source or Sift bytecode; - for stdin")
        ->type_name("FILE")
        ->required();
    app->add_flag("--summary", o->summary, "count the messages per outcome and print the rate");
    app->add_option("--jobs", o->jobs, "threads (default: one per core)")->type_name("N")->check(job_count);
    add_host_options(*app, o->host);
    add_global_dir_option(*app);
    app->add_option("PATH", o->paths, "an mbox file, a Maildir, or a directory of .eml and .mbox files")
        ->required();
    return {app, [o] { return filter(*o); }};
}

}  // namespace sift::cli
