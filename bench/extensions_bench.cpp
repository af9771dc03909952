// Extension costs (issue: "variables with match variables must stay
// linear", body :text over a 2.2 KB message, foreverypart over a multipart
// message). See docs/PERFORMANCE.md.
#include "bench_data.hpp"

#include <benchmark/benchmark.h>

namespace {

using namespace sift::bench;

// A script of N rules, each a :matches with two wildcards whose match
// variables feed two `set`s and a string test. GNU Mailutils degrades
// quadratically here; Sift's time per rule must stay flat as N grows (the
// "ns per rule" counter).
std::string matches_chain(int rules) {
    std::string s = "require [\"variables\", \"fileinto\"];\n";
    for (int i = 0; i < rules; ++i)
        s += "if header :matches \"Subject\" \"* *\" { set \"first\" \"${1}\"; set \"rest\" \"${2}\"; }\n"
             "if string :is \"${first}\" \"never\" { fileinto \"x\"; }\n";
    return s;
}

void BM_variables_match_chain(benchmark::State& state) {
    const auto rules = int(state.range(0));
    sift::eval_limits limits;
    limits.instruction_budget =
        100'000'000;  // N = 1000 runs ~10k instructions; keep the default's margin irrelevant
    const auto s = must_compile(matches_chain(rules));
    const auto messages = parsed_messages();
    const auto env = bench_envelope();
    std::size_t i = 0;
    for (auto _ : state) {
        auto r = s.run(messages[i++ & 3], env, {.limits = limits});
        benchmark::DoNotOptimize(r);
    }
    state.counters["ns per rule"] = benchmark::Counter(
        double(state.iterations()) * rules, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_variables_match_chain)->Arg(10)->Arg(100)->Arg(1000);

void BM_body_text(benchmark::State& state) {
    const auto s = must_compile("require \"body\";\nif body :text :contains \"quarterly\" { discard; }\n");
    const auto messages = parsed_messages();
    const auto env = bench_envelope();
    std::size_t i = 0;
    for (auto _ : state) {
        auto r = s.run(messages[i++ & 3], env);
        benchmark::DoNotOptimize(r);
    }
    state.counters["msgs/s"] = benchmark::Counter(double(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_body_text);

// A multipart/mixed message: text/plain, text/html (quoted-printable) and a
// base64 attachment, about 4 KB.
sift::message multipart_message() {
    std::string raw(received_hops);
    raw +=
        "From: a@example.com\nTo: b@example.com\nSubject: report\nMIME-Version: 1.0\n"
        "Content-Type: multipart/mixed; boundary=\"outer\"\n\n--outer\n"
        "Content-Type: multipart/alternative; boundary=\"inner\"\n\n--inner\n"
        "Content-Type: text/plain; charset=utf-8\n\n";
    raw += body_text;
    raw +=
        "\n--inner\nContent-Type: text/html; charset=iso-8859-1\nContent-Transfer-Encoding: "
        "quoted-printable\n\n"
        "<html><body><p>Gr=FC=DFe, the quarterly report</p></body></html>\n--inner--\n--outer\n"
        "Content-Type: application/pdf; name=\"report.pdf\"\nContent-Disposition: attachment; "
        "filename=\"report.pdf\"\nContent-Transfer-Encoding: base64\n\n";
    for (int i = 0; i < 20; ++i)
        raw += "JVBERi0xLjQKJcfsj6IKNSAwIG9iago8PC9MZW5ndGggNiAwIFIvRmlsdGVyIC9GbGF0ZURlY29kZT4+\n";
    raw += "--outer--\n";
    return sift::message::from_raw(raw);
}

void BM_foreverypart(benchmark::State& state) {
    const auto s = must_compile(
        "require [\"foreverypart\", \"mime\", \"variables\", \"fileinto\"];\n"
        "foreverypart {\n"
        "  if header :mime :param \"filename\" :matches \"Content-Disposition\" \"*.pdf\" { fileinto "
        "\"PDF\"; }\n"
        "  if header :mime :type :is \"Content-Type\" \"text\" { set \"text\" \"yes\"; }\n"
        "}\n");
    const auto msg = multipart_message();
    const auto env = bench_envelope();
    for (auto _ : state) {
        auto r = s.run(msg, env);
        benchmark::DoNotOptimize(r);
    }
    state.counters["msgs/s"] = benchmark::Counter(double(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_foreverypart);

}  // namespace
