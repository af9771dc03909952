// vnd.sift.attachment: the cost of inspecting an attachment (issue 9,
// "archive inspection cost per attachment"; docs/PERFORMANCE.md). One run
// of the forbidden-attachment rule on a message with one attachment:
// a PDF (no archive), a zip of 10 members, a tar.gz of 10 members of 10 KB
// (decompressed to reach each header), a zip inside a zip; beside them a
// message without an attachment (what every message pays), a .docx (an
// Office container: a zip whose members are not judged), a zip holding an
// .exe (the rule matches and names it), and zips of 1 to 1,000 members of
// 1 KB (the cost per member).
#include "bench_archive.hpp"
#include "bench_data.hpp"
#include "mail/encode.hpp"

#include <benchmark/benchmark.h>

#include <utility>
#include <vector>

namespace {

using namespace sift::bench;

sift::message with_attachment(const std::string& name, const std::string& data) {
    return sift::message::from_raw(
        "From: a@example.com\r\nTo: b@example.net\r\nSubject: files\r\nMIME-Version: 1.0\r\n"
        "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n"
        "--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"" +
        name + "\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + sift::mail::base64_lines(data) +
        "--b--\r\n");
}

std::vector<std::pair<std::string, std::string>> members(std::size_t size, int count = 10) {
    std::vector<std::pair<std::string, std::string>> out;
    for (int i = 0; i < count; ++i) {
        std::string content(size, '\0');
        for (std::size_t k = 0; k < size; ++k) content[k] = char('a' + (k * 31 + std::size_t(i)) % 26);
        out.emplace_back("dir/file" + std::to_string(i) + ".txt", std::move(content));
    }
    return out;
}

void run_rule(benchmark::State& state, const sift::message& m) {
    const auto s = must_compile(
        "require [\"vnd.sift.attachment\", \"variables\", \"reject\"];\n"
        "if attachment :extension [\"exe\", \"com\", \"cmd\", \"cpl\", \"hta\", \"scf\", \"sct\", \"lnk\", "
        "\"bat\", "
        "\"js\", \"jse\", \"wsh\", \"ws\", \"wsf\", \"wsc\", \"vbe\", \"vb\", \"vbs\", \"shs\", \"pif\", "
        "\"scr\"] {\n"
        "  reject \"forbidden attachment type (.${1} in ${2})\";\n}\n");
    const auto env = bench_envelope();
    for (auto _ : state) {
        auto r = s.run(m, env);
        benchmark::DoNotOptimize(r);
    }
}

void BM_attachment_pdf(benchmark::State& state) {
    run_rule(state, with_attachment("report.pdf", std::string(20000, 'x')));
}
void BM_attachment_zip_10(benchmark::State& state) {
    run_rule(state, with_attachment("docs.zip", make_archive(members(10000), "zip", "")));
}
void BM_attachment_tar_gz_10(benchmark::State& state) {
    run_rule(state, with_attachment("docs.tar.gz", make_archive(members(10000), "ustar", "gzip")));
}
void BM_attachment_zip_in_zip(benchmark::State& state) {
    auto inner = make_archive(members(1000), "zip", "");
    run_rule(state, with_attachment("outer.zip", make_archive({{"inner.zip", inner}}, "zip", "")));
}
void BM_attachment_none(benchmark::State& state) {
    run_rule(state, sift::message::from_raw("From: a@example.com\r\nTo: b@example.net\r\nSubject: hi\r\n"
                                            "Content-Type: text/plain\r\n\r\n" +
                                            std::string(2000, 'x') + "\r\n"));
}
void BM_attachment_docx(benchmark::State& state) {
    run_rule(state,
             with_attachment("minutes.docx", make_archive({{"[Content_Types].xml", "<Types/>"},
                                                           {"_rels/.rels", "<Relationships/>"},
                                                           {"word/document.xml", std::string(8000, 'w')}},
                                                          "zip", "")));
}
void BM_attachment_exe_in_zip(benchmark::State& state) {
    auto docs = members(2000, 1);
    docs.emplace_back("invoice.exe", std::string(6000, 'M'));
    run_rule(state, with_attachment("invoice.zip", make_archive(docs, "zip", "")));
}
void BM_attachment_zip_members(benchmark::State& state) {
    run_rule(state, with_attachment("many.zip", make_archive(members(1000, int(state.range(0))), "zip", "")));
    state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_attachment_none);
BENCHMARK(BM_attachment_pdf);
BENCHMARK(BM_attachment_zip_10);
BENCHMARK(BM_attachment_tar_gz_10);
BENCHMARK(BM_attachment_zip_in_zip);
BENCHMARK(BM_attachment_docx);
BENCHMARK(BM_attachment_exe_in_zip);
BENCHMARK(BM_attachment_zip_members)->Arg(1)->Arg(10)->Arg(100)->Arg(1000);

}  // namespace
