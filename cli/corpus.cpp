#include "corpus.hpp"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <thread>

#include <fcntl.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace sift::cli {

struct corpus::mapping {
    void* data = nullptr;
    std::size_t size = 0;
    ~mapping() {
        if (data) munmap(data, size);
    }
    std::string_view view() const { return {static_cast<const char*>(data), size}; }
};

namespace {

bool is_mbox(std::string_view data) {
    return data.substr(0, 5) == "From ";
}

bool is_maildir(const fs::path& p) {
    return fs::is_directory(p / "cur") && fs::is_directory(p / "new");
}

}  // namespace

void corpus::add(const std::string& path) {
    fs::path p(path);
    std::error_code ec;
    if (!fs::exists(p, ec)) throw std::runtime_error(path + ": no such file or directory");
    if (!fs::is_directory(p)) {
        add_file(path);
        return;
    }
    std::vector<std::string> files;
    if (is_maildir(p)) {
        for (const char* sub : {"new", "cur"})
            for (const auto& e : fs::directory_iterator(p / sub))
                if (e.is_regular_file()) files.push_back(e.path().string());
    } else {
        for (const auto& e : fs::recursive_directory_iterator(p))
            if (e.is_regular_file() && (e.path().extension() == ".eml" || e.path().extension() == ".mbox"))
                files.push_back(e.path().string());
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files) add_file(f);
}

void corpus::add_file(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY);
    if (fd < 0) throw std::runtime_error(path + ": " + std::strerror(errno));
    struct stat st {};
    ::fstat(fd, &st);
    auto m = std::make_shared<mapping>();
    m->size = static_cast<std::size_t>(st.st_size);
    if (m->size > 0) {
        // Not prefaulted (MAP_POPULATE): measured slower, as the workers
        // then fault pages in in parallel instead of one thread up front.
        m->data = ::mmap(nullptr, m->size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (m->data == MAP_FAILED) {
            ::close(fd);
            throw std::runtime_error(path + ": cannot map: " + std::strerror(errno));
        }
        ::madvise(m->data, m->size, MADV_SEQUENTIAL);
    }
    ::close(fd);
    mappings_.push_back(m);
    files_.push_back(path);
    auto data = m->view();
    if (is_mbox(data))
        add_mbox(data);
    else
        messages_.push_back({&files_.back(), 0, data, false});
}

namespace {

// '\n' followed by `second` at or after `from` (SSE2, on every x86-64 CPU:
// sixteen positions at once), or npos.
std::size_t find_newline_then(std::string_view data, std::size_t from, char second) {
#if defined(__SSE2__)
    const __m128i newline = _mm_set1_epi8('\n'), wanted = _mm_set1_epi8(second);
    for (; from + 17 <= data.size(); from += 16) {
        auto block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data.data() + from));
        auto next = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data.data() + from + 1));
        auto hits = unsigned(
            _mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(block, newline), _mm_cmpeq_epi8(next, wanted))));
        if (hits) return from + std::size_t(__builtin_ctz(hits));
    }
#endif
    for (; from + 1 < data.size(); ++from)
        if (data[from] == '\n' && data[from + 1] == second) return from;
    return std::string_view::npos;
}

// The next "\nFrom " at or after `from`, or npos. memmem alone was a
// quarter of `sift filter`'s time on a large mbox.
std::size_t find_from_line(std::string_view data, std::size_t from) {
    constexpr std::string_view marker = "\nFrom ";
    for (auto at = find_newline_then(data, from, 'F'); at != std::string_view::npos;
         at = find_newline_then(data, at + 1, 'F'))
        if (data.substr(at, marker.size()) == marker) return at;
    return std::string_view::npos;
}

// The next message separator at or after `from`: a line "From ..." that
// follows an empty line (LF or CRLF). Returns {end of the message before it,
// start of the separator line}, or {size, size} when there is none.
std::pair<std::size_t, std::size_t> next_separator(std::string_view data, std::size_t from) {
    for (auto at = find_from_line(data, from); at != std::string_view::npos;
         at = find_from_line(data, at + 1)) {
        if (at > 0 && data[at - 1] == '\n') return {at, at + 1};
        if (at > 1 && data[at - 1] == '\r' && data[at - 2] == '\n') return {at - 1, at + 1};
    }
    return {data.size(), data.size()};
}

}  // namespace

// Splits at "From " lines that follow an empty line (mboxo/mboxrd). The
// empty line belongs to the format, not to the message.
// Every separator of `data`, found by several threads on a large file (each
// owns the separators starting in its slice), in file order.
static std::vector<std::pair<std::size_t, std::size_t>> separators(std::string_view data) {
    constexpr std::size_t slice_minimum = 8 << 20;
    std::size_t jobs = std::clamp<std::size_t>(data.size() / slice_minimum, 1,
                                               std::max(1u, std::thread::hardware_concurrency()));
    std::vector<std::vector<std::pair<std::size_t, std::size_t>>> found(jobs);
    auto scan = [&](std::size_t job) {
        std::size_t lo = data.size() * job / jobs, hi = data.size() * (job + 1) / jobs;
        for (auto sep = next_separator(data, lo); sep.first < data.size() && sep.second - 1 < hi;
             sep = next_separator(data, sep.second))
            found[job].push_back(sep);
    };
    std::vector<std::thread> threads;
    for (std::size_t job = 1; job < jobs; ++job) threads.emplace_back(scan, job);
    scan(0);
    for (auto& t : threads) t.join();
    std::vector<std::pair<std::size_t, std::size_t>> all;
    for (auto& f : found) all.insert(all.end(), f.begin(), f.end());
    return all;
}

void corpus::add_mbox(std::string_view data) {
    auto seps = separators(data);
    seps.emplace_back(data.size(), data.size());
    std::size_t start = 0, n = 0;
    for (auto [end, next] : seps) {
        if (start >= data.size()) break;
        std::size_t body = data.find('\n', start);
        body = body == std::string_view::npos ? end : std::min(body + 1, end);
        messages_.push_back({&files_.back(), ++n, data.substr(body, end - body), true});
        start = next;
    }
}

std::size_t find_blank_line(std::string_view raw) {
    auto lf = find_newline_then(raw, 0, '\n');
    auto crlf = find_newline_then(raw, 0, '\r');
    // "\n\r" starts a CRLF blank line only when an LF follows the CR.
    while (crlf != std::string_view::npos && (crlf + 2 >= raw.size() || raw[crlf + 2] != '\n'))
        crlf = find_newline_then(raw, crlf + 1, '\r');
    if (lf != std::string_view::npos && (crlf == std::string_view::npos || lf < crlf)) return lf + 2;
    return crlf == std::string_view::npos ? crlf : crlf + 3;
}

std::string unquote_mbox(std::string_view raw) {
    std::string out;
    out.reserve(raw.size());
    std::size_t i = 0;
    while (i < raw.size()) {
        std::size_t eol = raw.find('\n', i);
        eol = eol == std::string_view::npos ? raw.size() : eol + 1;
        std::string_view line = raw.substr(i, eol - i);
        std::size_t q = line.find_first_not_of('>');
        if (q != std::string_view::npos && q > 0 && line.substr(q, 5) == "From ") line.remove_prefix(1);
        out.append(line);
        i = eol;
    }
    return out;
}

}  // namespace sift::cli
