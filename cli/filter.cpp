// sift filter: one script (or a policy around it, as sift run --policy)
// over a whole mbox, Maildir or directory, on every core. Large files are
// memory-mapped, small ones read (corpus.hpp); messages are parsed in
// place; results are printed in input order.
#include "commands.hpp"
#include "corpus.hpp"
#include "describe.hpp"
#include "envelope_defaults.hpp"
#include "host.hpp"
#include "input.hpp"
#include "site.hpp"

#include <sift/json.hpp>
#include <sift/policy.hpp>
#include <sift/sequence.hpp>
#include <sift/settings.hpp>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <map>
#include <optional>
#include <thread>

namespace sift::cli {
namespace {

constexpr unsigned max_jobs = 1024;

struct filter_options {
    std::optional<std::string> script;  // with --policy, the user's script (optional)
    std::optional<std::string> policy;  // default|DIR (sift/policy.hpp)
    bool summary = false;
    bool json = false;
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

// The outcome a summary counts: the actions without line numbers, then
// the names of the message's defects (docs/MESSAGE.md), so that messages
// the parse could not read as written are counted apart.
std::string outcome(const result& r) {
    std::string out;
    for (const auto& any : r.actions) {
        if (!out.empty()) out += ", ";
        out += name(any);
        if (const auto* a = std::get_if<fileinto_action>(&any)) out += " " + a->mailbox;
        if (const auto* a = std::get_if<redirect_action>(&any)) out += " " + a->address;
    }
    if (!r.ok()) out += " (runtime error)";
    for (std::size_t i = 0; i < r.defects.size(); ++i)
        out += (i == 0 ? " [defect " : ", ") + r.defects[i].name + (i + 1 == r.defects.size() ? "]" : "");
    return out;
}

// string_view::find looks for the '>' with memchr, which skips the octets
// between at vector speed; glibc's memmem read every octet (3% of the
// default policy's instructions over an mbox).
bool quoted_from_lines(std::string_view raw) {
    return raw.find(">From ") != std::string_view::npos;
}

// The part of a message a script needs: a script that reads only the
// envelope and headers never looks past the blank line, so the body is
// not copied (script::needs(); size tests and body tests need it all).
std::string_view needed_part(const message_text& m, needs what) {
    return what == needs::body ? m.raw : m.raw.substr(0, m.header_size);
}

// What the scripts read, worked out once for the whole run: the most any
// of them needs.
struct script_reads {
    needs part = needs::envelope;
    bool envelope = false;

    void add(const script& s) {
        part = std::max(part, s.needs());
        auto caps = s.capabilities();
        envelope = envelope || std::find(caps.begin(), caps.end(), "envelope") != caps.end();
    }
};

// One script, or with --policy the sequence before, user, after.
// With --policy the session carries the recipient's settings as the
// policy's environment items (sift::policy_items; the recipient is --to's,
// the same for every message).
struct evaluator {
    const script* single = nullptr;
    const sequence* scripts = nullptr;
    const session* client = nullptr;

    result run(const message& msg, const envelope& env, const run_options& options) const {
        return single ? single->run(msg, env, options) : scripts->run(*client, msg, env, options);
    }
};

// `sender` is `fixed` but for its MAIL FROM, which is the message's
// Return-Path's when the script reads the envelope and --from gives none
// (envelope_for); one per work item, so a message costs no envelope.
result evaluate(const evaluator& s, const message_text& m, bool from_mbox, const filter_options& o,
                script_reads reads, const envelope& fixed, envelope& sender, const run_options& options,
                const message_limits& limits) {
    auto part = needed_part(m, reads.part);
    // mboxrd quotes ">From " lines of the body only; a header-only part has none.
    bool quoted = from_mbox && part.size() == m.raw.size() && quoted_from_lines(part);
    // The message views the mapped bytes (the mapping outlives the run);
    // only an mboxrd body with quoted "From " lines is copied, unquoted.
    // The configuration's limits (MIME depth, parts, header size) apply as
    // in sift run and sift-milter: a message beyond them is a defect the
    // policy sees, not a message parsed further than the site allows.
    auto msg = quoted ? message::from_raw(unquote_mbox(part), limits) : message::view(part, limits);
    // Finding the sender in Return-Path costs an address parse per message:
    // only scripts that look at the envelope pay for it; the others all get
    // the same envelope, made once.
    if (!reads.envelope || o.host.from) return s.run(msg, fixed, options);
    sender.from = return_path_sender(msg);
    return s.run(msg, sender, options);
}

// What the threads found in one work item, kept until all are done so
// that the output is in input order.
struct item_result {
    bool mbox = false;                          // messages are named PATH#N
    bool empty = false;                         // a file of 0 bytes: no message
    std::vector<std::string> outcomes;          // one per message (without --summary): text or JSON
    std::map<std::string, std::size_t> counts;  // outcome -> messages (--summary)
    std::size_t messages = 0;
    std::string error;  // the file could not be read
};

struct filter_run {
    evaluator s;
    const script& shown;  // the script whose compile report --json prints
    const filter_options& o;
    script_reads reads;
    envelope fixed;  // for scripts that do not read the envelope, and for all with --from
    const run_options& options;
    const message_limits& limits;  // the configuration's (defaults without --config)

    // `buffer` holds a message file's bytes: the calling thread's, reused
    // from file to file.
    void operator()(const work_item& item, const std::string& path, item_result& out,
                    std::vector<char>& buffer) const {
        std::optional<mapped_file> read;
        const mapped_file* mapping = item.mapping ? item.mapping.get() : &read.emplace(path, buffer);
        mapping->populate(item.lo, item.hi);
        auto data = mapping->view();
        if (data.empty()) {
            out.empty = true;
            return;
        }
        out.mbox = mbox_start(data) != std::string_view::npos;
        auto messages = out.mbox ? mbox_messages(data, item.lo, item.hi)
                                 : std::vector<message_text>{single_message(data)};
        out.messages = messages.size();
        if (!o.summary) out.outcomes.reserve(messages.size());
        envelope sender = fixed;
        for (const auto& m : messages) {
            auto r = evaluate(s, m, out.mbox, o, reads, fixed, sender, options, limits);
            if (o.summary)
                ++out.counts[outcome(r)];
            else if (o.json)
                out.outcomes.push_back(json::report(shown, &r));
            else
                out.outcomes.push_back(describe(r));
        }
        // This slice will not be read again (but for the tail of a message
        // that began in the slice before, which is read again if needed).
        mapping->release(item.lo, item.hi);
    }
};

int filter(const filter_options& o) {
    if (!o.script && !o.policy) throw usage_error("filter: --script or --policy is required");
    std::optional<script> user;
    if (o.script) {
        user = load_script(*o.script);
        if (!compiled_or_report(*user, o.json)) return 1;
    }
    std::optional<sift::policy> policy;
    std::optional<sequence> scripts;
    script_reads reads;
    if (o.policy) {
        try {
            policy = sift::policy::load(*o.policy, {.global_dir = global_include_dir()});
        } catch (const policy_error& e) {
            throw usage_error(std::string("--") + e.what());
        }
        for (const auto* s : {policy->before(), policy->after()})
            if (s && !compiled_or_report(*s, o.json)) return 1;
        scripts = policy->around(user ? &*user : nullptr);
        for (const auto& s : scripts->scripts()) reads.add(s);
    } else {
        reads.add(*user);
    }
    const script& shown = user ? *user : policy->before() ? *policy->before() : *policy->after();
    // One store and one set of lists for every message: with --policy or
    // --config the configuration's (sift run's rule).
    config site = load_site(o.host.config);
    auto h = open_host(o.host, site, o.policy || o.host.config);

    auto started = std::chrono::steady_clock::now();
    corpus c;
    for (const auto& p : o.paths) c.add(p);
    const auto& items = c.items();
    std::vector<item_result> results(items.size());
    const envelope fixed{o.host.from.value_or(default_from), o.host.to.value_or(default_to), {}, {}};
    session client;
    if (policy) {
        auto settings = settings_for(site, h->services.state(), fixed.to);
        client.items = policy_items(site, settings, fixed.to);
        h->options.score.spam_threshold = settings.spam_threshold.value();
    }
    const evaluator scripts_run{scripts ? nullptr : &*user, scripts ? &*scripts : nullptr, &client};
    const filter_run run{scripts_run, shown, o, reads, fixed, h->options, site.message};
    std::atomic<std::size_t> next{0};
    auto worker = [&] {
        std::vector<char> buffer;
        for (std::size_t i; (i = next.fetch_add(1)) < items.size();) {
            try {
                run(items[i], c.files()[items[i].file], results[i], buffer);
            } catch (const std::exception& e) {  // one unreadable file does not stop the others
                results[i].error = e.what();
            }
        }
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < std::min<std::size_t>(o.jobs, items.size()); ++t) pool.emplace_back(worker);
    worker();
    for (auto& t : pool) t.join();
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

    int status = 0;
    std::size_t total = 0;
    std::map<std::string, std::size_t> counts;
    std::string out;
    for (std::size_t i = 0, number = 0; i < items.size(); ++i) {
        const auto& r = results[i];
        const auto& path = c.files()[items[i].file];
        if (i == 0 || items[i].file != items[i - 1].file) number = 0;  // PATH#N counts from 1 in each file
        if (!r.error.empty()) {
            std::cerr << "sift filter: " << r.error << "\n";
            status = 2;
        }
        if (r.empty) std::cerr << "sift filter: " << path << ": empty file, no message\n";
        total += r.messages;
        for (const auto& [what, n] : r.counts) counts[what] += n;
        for (const auto& x : r.outcomes) {
            auto label = r.mbox ? path + "#" + std::to_string(++number) : path;
            if (o.json)  // sift run --json's object, the message's name first
                out += "{\"message\":" + json::quote(label) + "," + x.substr(1) + "\n";
            else
                out += label + ": " + x + "\n";
        }
        if (o.summary) number += r.messages;
    }
    for (const auto& note : c.notes()) std::cerr << "sift filter: " << note << "\n";
    if (total == 0) std::cerr << "sift filter: no messages found\n";
    if (!o.summary) {
        std::cout << out;
        return status;
    }
    for (const auto& [what, n] : counts) std::printf("%8zu  %s\n", n, what.c_str());
    std::printf("%zu messages in %.3f s (%.0f messages/s, %u jobs)\n", total, seconds,
                seconds > 0 ? double(total) / seconds : 0.0, o.jobs);
    return status;
}

}  // namespace

command add_filter(CLI::App& sift) {
    auto o = std::make_shared<filter_options>();
    auto* app = sift.add_subcommand(
        "filter", "Run a script or a policy over every message of mboxes, Maildirs, directories");
    app->add_option("--script", o->script,
                    "Sieve source or Sift bytecode; - for stdin (with --policy: the user's script, optional)")
        ->type_name("FILE");
    app->add_option("--policy", o->policy,
                    "run DIR/before.sieve, then --script (if given), then DIR/after.sieve on each message; "
                    "`default`: the bundled policy (docs/POLICY.md)")
        ->type_name("default|DIR");
    auto* summary =
        app->add_flag("--summary", o->summary, "count the messages per outcome and print the rate");
    app->add_flag("--json", o->json,
                  "one JSON object per message, one per line: sift run --json's, with \"message\": PATH#N")
        ->excludes(summary);
    app->add_option("--jobs", o->jobs, "threads (default: one per core)")->type_name("N")->check(job_count);
    add_host_options(*app, o->host);
    add_global_dir_option(*app);
    app->add_option("PATH", o->paths, "an mbox file, a Maildir, or a directory of .eml and .mbox files")
        ->required();
    return {app, [o] { return filter(*o); }};
}

}  // namespace sift::cli
