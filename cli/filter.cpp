// sift filter: one script over a whole mbox, Maildir or directory, on every
// core. Messages are memory-mapped and parsed in place; results are
// printed in input order.
#include "commands.hpp"
#include "corpus.hpp"
#include "envelope_defaults.hpp"
#include "state_store.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <map>
#include <thread>

namespace sift::cli {
namespace {

struct filter_options {
    std::string script;
    bool summary = false;
    unsigned jobs = std::max(1u, std::thread::hardware_concurrency());
    std::optional<std::string> from, to;
    std::optional<std::string> store;  // vacation, duplicate: memory unless given
    std::optional<std::string> lists;  // extlists: a directory, one file per list
    std::vector<std::string> paths;
};

filter_options parse_filter_args(const std::vector<std::string>& args) {
    filter_options o;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const auto& a = args[i];
        auto next = [&]() -> const std::string& {
            if (i + 1 == args.size()) throw usage_error(a + " needs a value");
            return args[++i];
        };
        if (a == "--script")
            o.script = next();
        else if (a == "--summary")
            o.summary = true;
        else if (a == "--jobs")
            o.jobs = static_cast<unsigned>(std::max(1, std::stoi(next())));
        else if (a == "--from")
            o.from = next();
        else if (a == "--to")
            o.to = next();
        else if (a == "--store")
            o.store = next();
        else if (a == "--lists")
            o.lists = next();
        else if (a.size() > 1 && a[0] == '-')
            throw usage_error("unknown option " + a);
        else
            o.paths.push_back(a);
    }
    if (o.script.empty()) throw usage_error("--script is required");
    if (o.paths.empty()) throw usage_error("no mbox, Maildir or directory given");
    return o;
}

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
    envelope env = reads.envelope
                       ? envelope_for(msg, o.from, o.to)
                       : envelope{o.from.value_or(default_from), o.to.value_or(default_to), {}, {}};
    return s.run(msg, env, {}, &svc);
}

}  // namespace

int cmd_filter(const std::vector<std::string>& args) {
    auto o = parse_filter_args(args);
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
    auto state = open_state_store(o.store);  // shared by every message of the run
    services svc;
    svc.state = state.get();
    auto lists = o.lists ? file_list_provider(*o.lists) : nullptr;  // loaded once for every message
    svc.lists = lists.get();

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

}  // namespace sift::cli
