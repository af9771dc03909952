// The bundled default policy (issue 9; docs/PERFORMANCE.md "The default
// policy against rspamd and SpamAssassin") and the pieces of it that
// were made faster: one message parsed and run through before.sieve and
// after.sieve per iteration, as sift filter does (a 2.2 KB text/plain
// message, and the same with a base64 zip of ten 2 KB documents); the
// phrase automaton alone over 4 KB of text (vm::phrase_index, the wording
// rules' 128 phrases); the base64 check of a 20 KB part
// (mail::check_base64, run for every base64 part's defects).
#include "bench_archive.hpp"
#include "bench_data.hpp"
#include "mail/decode.hpp"
#include "mail/encode.hpp"
#include "vm/phrase_index.hpp"

#include <benchmark/benchmark.h>
#include <sift/host.hpp>
#include <sift/lists.hpp>
#include <sift/policy.hpp>

#include <string>
#include <utility>
#include <vector>

namespace {

using namespace sift::bench;

std::string zip_of_documents() {
    std::vector<std::pair<std::string, std::string>> documents;
    for (int i = 0; i < 10; ++i) {
        std::string content;
        while (content.size() < 2000) content += std::string(body_text.substr(0, 400)) + std::to_string(i);
        documents.emplace_back("minutes/part" + std::to_string(i) + ".txt", std::move(content));
    }
    return make_archive(documents, "zip");
}

std::string with_zip() {
    std::string raw(received_hops);
    raw += variant_headers[0];
    raw +=
        "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b\"\n\n--b\n"
        "Content-Type: text/plain; charset=utf-8\n\n";
    raw += body_text;
    raw +=
        "\n--b\nContent-Type: application/zip; name=\"minutes.zip\"\n"
        "Content-Disposition: attachment; filename=\"minutes.zip\"\nContent-Transfer-Encoding: base64\n\n";
    raw += sift::mail::base64_lines(zip_of_documents());
    raw += "--b--\n";
    return raw;
}

// The block and allow lists, empty (as sift filter has them with a store
// that holds none).
struct no_entries final : sift::list_provider {
    bool valid(std::string_view) const override { return true; }
    bool contains(std::string_view, std::string_view) const override { return false; }
    std::vector<std::string> members(std::string_view) const override { return {}; }
};

struct bench_host final : sift::host {
    no_entries lists_;
    const sift::list_provider* lists() const override { return &lists_; }
};

void run_default_policy(benchmark::State& state, const std::string& raw) {
    static const auto policy = sift::policy::load("default");
    if (!policy.ok()) {
        state.SkipWithError("the default policy does not compile");
        return;
    }
    const auto sequence = policy.around();
    const auto env = bench_envelope();
    static const bench_host host;
    sift::run_options options;
    options.host = &host;
    {
        auto msg = sift::message::from_raw(raw);
        auto r = sequence.run(msg, env, options);
        if (!r.ok()) {
            state.SkipWithError(("the default policy failed: " + r.errors.front()).c_str());
            return;
        }
    }
    for (auto _ : state) {
        auto msg = sift::message::from_raw(raw);
        auto r = sequence.run(msg, env, options);
        benchmark::DoNotOptimize(r);
    }
    state.SetBytesProcessed(std::int64_t(state.iterations()) * std::int64_t(raw.size()));
}

void BM_default_policy_text(benchmark::State& state) {
    run_default_policy(state, raw_message(0));
}
void BM_default_policy_zip(benchmark::State& state) {
    run_default_policy(state, with_zip());
}

// About as many phrases as the default policy's wording rules, in 16 lists.
void BM_phrase_index_search(benchmark::State& state) {
    std::vector<std::string> words{"verify", "account", "confirm", "suspended", "billing", "remove",
                                   "free",   "offer",   "limited", "order",     "million", "dollars",
                                   "income", "money",   "casino",  "mortgage",  "viagra",  "weight",
                                   "friend", "sir",     "click",   "here",      "toll",    "prize"};
    std::vector<std::vector<std::string>> lists(16);
    for (std::size_t i = 0; i < 150; ++i)
        lists[i % lists.size()].push_back(words[i % words.size()] + " " + words[(i * 7 + 3) % words.size()]);
    sift::vm::phrase_index index;
    for (std::size_t i = 0; i < lists.size(); ++i) {
        std::vector<std::string_view> keys(lists[i].begin(), lists[i].end());
        index.add_list(std::uint32_t(i), keys);
    }
    if (!index.build()) {
        state.SkipWithError("phrase_index::build refused the lists");
        return;
    }
    std::string text;
    while (text.size() < 4096) text += body_text;
    std::vector<std::uint8_t> found;
    for (auto _ : state) {
        index.search(text, found);
        benchmark::DoNotOptimize(found.data());
    }
    state.SetBytesProcessed(std::int64_t(state.iterations()) * std::int64_t(text.size()));
}

void BM_check_base64(benchmark::State& state) {
    std::string data(20000, '\0');
    for (std::size_t i = 0; i < data.size(); ++i) data[i] = char(i * 131 + 7);
    const auto encoded = sift::mail::base64_lines(data);
    for (auto _ : state) {
        sift::mail::decode_problems problems;
        sift::mail::check_base64(encoded, problems);
        benchmark::DoNotOptimize(problems);
    }
    state.SetBytesProcessed(std::int64_t(state.iterations()) * std::int64_t(encoded.size()));
}

BENCHMARK(BM_default_policy_text);
BENCHMARK(BM_default_policy_zip);
BENCHMARK(BM_phrase_index_search);
BENCHMARK(BM_check_base64);

}  // namespace
