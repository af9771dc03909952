#include "corpus.hpp"

#include "commands.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include <dirent.h>
#include <fcntl.h>
#if defined(__x86_64__)
#include <immintrin.h>
#elif defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace sift::cli {

namespace {
// Files up to this size are read, larger ones mapped (mapped_file). An mbox
// above slice_size (below) is cut into slices whose memory is given back as
// they are done; one this small is a single work item either way.
constexpr std::size_t read_whole = 256 << 10;
}  // namespace

mapped_file::mapped_file(const std::string& path) : mapped_file(path, nullptr) {}

mapped_file::mapped_file(const std::string& path, std::vector<char>& buffer) : mapped_file(path, &buffer) {}

mapped_file::mapped_file(const std::string& path, std::vector<char>* buffer) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw io_error(path + ": " + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
        int error = S_ISDIR(st.st_mode) ? EISDIR : errno;
        ::close(fd);
        throw io_error(path + ": " + std::strerror(error));
    }
    size_ = static_cast<std::size_t>(st.st_size);
    if (size_ > 0 && size_ <= read_whole) {
        char* to = nullptr;
        if (buffer) {
            // The caller's buffer, reused from file to file: no allocation
            // a message (resize keeps the capacity a larger file left).
            if (buffer->size() < size_) buffer->resize(size_);
            to = buffer->data();
        } else {
            owned_ = std::make_unique_for_overwrite<char[]>(size_);
            to = owned_.get();
        }
        std::size_t got = 0;
        while (got < size_) {
            auto n = ::read(fd, to + got, size_ - got);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) {
                int error = errno;
                ::close(fd);
                throw io_error(path + ": " + std::strerror(error));
            }
            if (n == 0) break;  // the file shrank since fstat
            got += static_cast<std::size_t>(n);
        }
        size_ = got;
        data_ = to;
    } else if (size_ > 0) {
        // Not prefaulted (MAP_POPULATE): measured slower, as the threads
        // then fault pages in in parallel instead of one thread up front.
        data_ = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
        if (data_ == MAP_FAILED) {
            data_ = nullptr;
            int error = errno;
            ::close(fd);
            throw io_error(path + ": cannot map: " + std::strerror(error));
        }
        mapped_ = true;
        ::madvise(data_, size_, MADV_SEQUENTIAL);
    }
    ::close(fd);
}

mapped_file::~mapped_file() {
    if (mapped_) ::munmap(data_, size_);
}

void mapped_file::populate(std::size_t lo, std::size_t hi) const {
#if defined(MADV_POPULATE_READ)
    static const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    hi = std::min(hi, size_);
    lo = lo / page * page;
    if (mapped_ && lo < hi) ::madvise(static_cast<char*>(data_) + lo, hi - lo, MADV_POPULATE_READ);
#else
    (void)lo, (void)hi;
#endif
}

void mapped_file::release(std::size_t lo, std::size_t hi) const {
    static const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    hi = std::min(hi, size_);
    lo = (lo + page - 1) / page * page;
    hi = hi / page * page;
    if (mapped_ && lo < hi) ::madvise(static_cast<char*>(data_) + lo, hi - lo, MADV_DONTNEED);
}

namespace {

// Each thread takes a slice of a large mbox at a time: small enough that
// the threads share the work evenly and a slice stays in the L2 cache
// between finding its messages and evaluating them.
constexpr std::size_t slice_size = 256 << 10;

bool is_maildir(const fs::path& p) {
    return fs::is_directory(p / "cur") && fs::is_directory(p / "new");
}

// "a.txt, b.pdf and 3 more": what a note names of the files passed over.
std::string some_of(const std::vector<std::string>& names) {
    std::string out;
    std::size_t shown = std::min<std::size_t>(names.size(), 3);
    for (std::size_t i = 0; i < shown; ++i) out += (i ? ", " : "") + names[i];
    if (names.size() > shown) out += " and " + std::to_string(names.size() - shown) + " more";
    return out;
}

std::string joined(const std::string& dir, std::string_view name) {
    std::string out = dir;
    if (!out.ends_with('/')) out += '/';
    out += name;
    return out;
}

// The last "." and what follows in the path's file name, as
// std::filesystem::path::extension says: none for ".", ".." or a name
// whose only dot leads (".mbox" is a hidden file, not an extension).
std::string_view extension_of(std::string_view path) {
    auto name = path.substr(path.rfind('/') + 1);
    auto dot = name.rfind('.');
    if (dot == std::string_view::npos || dot == 0 || name == "..") return {};
    return name.substr(dot);
}

// Appends the regular files of `dir` to `out` (of its subdirectories too
// when `recurse`), each as `dir`/name: symbolic links to regular files
// count, links to directories are not followed — what std::filesystem's
// recursive_directory_iterator and is_regular_file see. POSIX readdir,
// not that iterator: it builds and splits a path object an entry, about
// 8,000 instructions a file, as much as 5% of filtering the message
// (docs/PERFORMANCE.md). Throws io_error naming what could not be read.
void list_files(const std::string& dir, bool recurse, std::vector<std::string>& out) {
    std::unique_ptr<DIR, int (*)(DIR*)> d(::opendir(dir.c_str()), ::closedir);
    if (!d) throw io_error(dir + ": " + std::strerror(errno));
    for (;;) {
        errno = 0;
        const dirent* e = ::readdir(d.get());
        if (!e) {
            if (errno != 0) throw io_error(dir + ": " + std::strerror(errno));
            return;
        }
        std::string_view name = e->d_name;
        if (name == "." || name == "..") continue;
        auto path = joined(dir, name);
        int type = e->d_type;
        struct stat st {};
        // The file system did not say: what the entry itself is.
        if (type == DT_UNKNOWN) type = ::lstat(path.c_str(), &st) == 0 ? IFTODT(st.st_mode) : int(DT_UNKNOWN);
        // A link counts as a file when it leads to one.
        if (type == DT_LNK)
            type = ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) ? DT_REG : DT_UNKNOWN;
        if (type == DT_REG)
            out.push_back(std::move(path));
        else if (type == DT_DIR && recurse)
            list_files(path, true, out);
    }
}
}  // namespace

void corpus::add(const std::string& path) {
    // Slicing needs a file to map; `sift run` reads a message from stdin.
    if (path == "-") throw usage_error("PATH cannot be - (stdin): sift filter maps its input, give a file");
    fs::path p(path);
    std::error_code ec;
    auto status = fs::status(p, ec);
    if (ec) throw io_error(path + ": " + ec.message());
    if (!fs::is_directory(status)) {
        add_file(path, true);
        return;
    }
    std::vector<std::string> found;
    std::vector<std::string> skipped;
    if (is_maildir(p)) {
        // tmp/ holds mail still being delivered: not a message yet.
        for (const char* sub : {"new", "cur"}) list_files(joined(path, sub), false, found);
    } else {
        std::vector<std::string> files;
        list_files(path, true, files);
        auto base = path.size() + (path.ends_with('/') ? 0 : 1);
        for (auto& f : files) {
            auto ext = extension_of(f);
            if (ext == ".eml" || ext == ".mbox")
                found.push_back(std::move(f));
            else
                skipped.push_back(f.substr(base));
        }
    }
    std::sort(found.begin(), found.end());
    std::sort(skipped.begin(), skipped.end());
    if (!skipped.empty())
        notes_.push_back(path + ": passed over " + std::to_string(skipped.size()) +
                         (skipped.size() == 1 ? " file" : " files") +
                         " not named .eml or .mbox: " + some_of(skipped));
    // An .mbox may be large: mapped now, to be sliced. A message file is
    // mapped by the thread that filters it, so a Maildir of a million
    // files is never mapped all at once.
    for (const auto& f : found) add_file(f, extension_of(f) == ".mbox");
}

void corpus::add_file(const std::string& path, bool map_now) {
    std::size_t file = files_.size();
    files_.push_back(path);
    if (!map_now) {
        items_.push_back({file, 0, std::string_view::npos, nullptr});
        return;
    }
    auto m = std::make_shared<const mapped_file>(path);
    auto data = m->view();
    if (mbox_start(data) == std::string_view::npos || data.size() <= slice_size) {
        items_.push_back({file, 0, std::string_view::npos, m});
        return;
    }
    for (std::size_t lo = 0; lo < data.size(); lo += slice_size)
        items_.push_back(
            {file, lo, lo + slice_size >= data.size() ? std::string_view::npos : lo + slice_size, m});
}

namespace {

// '\n' followed by `a` or `b` at or after `from`, or npos: the one scan
// that finds message separators and header ends, so it looks at many bytes
// at once — sixteen with SSE2 (every x86-64 CPU), 64 per step with AVX2
// where the CPU has it (checked once at run time).
std::size_t find_newline_then_sse2(std::string_view data, std::size_t from, char a, char b) {
#if defined(__SSE2__)
    const __m128i newline = _mm_set1_epi8('\n'), first = _mm_set1_epi8(a), second = _mm_set1_epi8(b);
    for (; from + 17 <= data.size(); from += 16) {
        auto block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data.data() + from));
        auto next = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data.data() + from + 1));
        auto wanted = _mm_or_si128(_mm_cmpeq_epi8(next, first), _mm_cmpeq_epi8(next, second));
        auto hits = unsigned(_mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(block, newline), wanted)));
        if (hits) return from + std::size_t(__builtin_ctz(hits));
    }
#endif
    for (; from + 1 < data.size(); ++from)
        if (data[from] == '\n' && (data[from + 1] == a || data[from + 1] == b)) return from;
    return std::string_view::npos;
}

#if defined(__x86_64__) && defined(__GNUC__)
#define SIFT_HAVE_AVX2_PATH 1
__attribute__((target("avx2"))) std::size_t find_newline_then_avx2(std::string_view data, std::size_t from,
                                                                   char a, char b) {
    const __m256i newline = _mm256_set1_epi8('\n'), first = _mm256_set1_epi8(a), second = _mm256_set1_epi8(b);
    for (; from + 65 <= data.size(); from += 64) {
        const char* p = data.data() + from;
        __builtin_prefetch(p + 1024);  // the mapping is read once, front to back, from memory
        __m256i hits[2];
        for (int half = 0; half < 2; ++half) {  // two 32-byte halves, one test for both
            auto block = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32 * half));
            auto next = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32 * half + 1));
            auto wanted = _mm256_or_si256(_mm256_cmpeq_epi8(next, first), _mm256_cmpeq_epi8(next, second));
            hits[half] = _mm256_and_si256(_mm256_cmpeq_epi8(block, newline), wanted);
        }
        auto any = _mm256_or_si256(hits[0], hits[1]);
        if (_mm256_testz_si256(any, any)) continue;
        if (auto m = unsigned(_mm256_movemask_epi8(hits[0]))) return from + std::size_t(__builtin_ctz(m));
        return from + 32 + std::size_t(__builtin_ctz(unsigned(_mm256_movemask_epi8(hits[1]))));
    }
    return find_newline_then_sse2(data, from, a, b);
}
#endif

std::size_t find_newline_then(std::string_view data, std::size_t from, char a, char b) {
#if defined(SIFT_HAVE_AVX2_PATH)
    static const bool avx2 = __builtin_cpu_supports("avx2");
    if (avx2) return find_newline_then_avx2(data, from, a, b);
#endif
    return find_newline_then_sse2(data, from, a, b);
}

// The next "\nFrom " at or after `from`, or npos. memmem alone was a
// quarter of `sift filter`'s time on a large mbox.
std::size_t find_from_line(std::string_view data, std::size_t from) {
    constexpr std::string_view marker = "\nFrom ";
    for (auto at = find_newline_then(data, from, 'F', 'F'); at != std::string_view::npos;
         at = find_newline_then(data, at + 1, 'F', 'F'))
        if (data.substr(at, marker.size()) == marker) return at;
    return std::string_view::npos;
}

// The next message separator at or after `from`: a line "From ..." that
// follows an empty line (LF or CRLF). Returns {end of the message before it,
// start of the separator line}, or {size, size} when there is none. The
// empty line belongs to the format, not to the message.
std::pair<std::size_t, std::size_t> next_separator(std::string_view data, std::size_t from) {
    for (auto at = find_from_line(data, from); at != std::string_view::npos;
         at = find_from_line(data, at + 1)) {
        if (at > 0 && data[at - 1] == '\n') return {at, at + 1};
        if (at > 1 && data[at - 1] == '\r' && data[at - 2] == '\n') return {at - 1, at + 1};
    }
    return {data.size(), data.size()};
}

}  // namespace

std::size_t mbox_start(std::string_view data) {
    std::size_t at = 0;
    while (at < data.size() && (data[at] == '\n' || (data[at] == '\r' && data.substr(at, 2) == "\r\n")))
        at += data[at] == '\n' ? 1 : 2;
    return data.substr(at, 5) == "From " ? at : std::string_view::npos;
}

namespace {

// The offset just past the first empty line (LF or CRLF) of `text`, or
// npos. An empty line at the very start is an empty header.
std::size_t header_end(std::string_view text) {
    if (text.starts_with("\n")) return 1;
    if (text.starts_with("\r\n")) return 2;
    // "\n\n" or "\n\r\n", whichever comes first, in one pass.
    for (auto at = find_newline_then(text, 0, '\n', '\r'); at != std::string_view::npos;
         at = find_newline_then(text, at + 1, '\n', '\r')) {
        if (text[at + 1] == '\n') return at + 2;
        if (at + 2 < text.size() && text[at + 2] == '\n') return at + 3;
    }
    return std::string_view::npos;
}

}  // namespace

std::string_view without_final_empty_line(std::string_view raw) {
    if (raw.ends_with("\r\n\r\n")) return raw.substr(0, raw.size() - 2);
    if (raw.ends_with("\n\n")) return raw.substr(0, raw.size() - 1);
    return raw;
}

message_text single_message(std::string_view raw) {
    return {raw, std::min(header_end(raw), raw.size())};
}

std::vector<message_text> mbox_messages(std::string_view data, std::size_t lo, std::size_t hi) {
    std::vector<message_text> out;
    std::size_t start = 0;  // of a "From " line this slice owns
    if (lo == 0) {
        start = mbox_start(data);
        if (start == std::string_view::npos) return out;
    } else {
        // A separator belongs to the slice its "\nFrom " begins in.
        auto first = next_separator(data, lo);
        if (first.first == data.size() || first.second - 1 >= hi) return out;
        start = first.second;
    }
    for (;;) {
        std::size_t body = data.find('\n', start);  // the message starts after its "From " line
        body = body == std::string_view::npos ? data.size() : body + 1;
        std::size_t header = header_end(data.substr(body));
        // The separator's "\nFrom " is at the earliest at the header's
        // empty line: one byte before its end.
        auto [end, next] = header == std::string_view::npos ? std::pair{data.size(), data.size()}
                                                            : next_separator(data, body + header - 1);
        auto raw = data.substr(body, end - body);
        // The empty line after the last message is the format's, as the
        // one before each separator is (which `end` leaves out): without
        // this, the last message of a file was one line end longer than
        // the same message alone (and its body one empty line longer).
        if (end == data.size()) raw = without_final_empty_line(raw);
        out.push_back({raw, std::min(header, raw.size())});
        if (end == data.size() || next - 1 >= hi) return out;
        start = next;
    }
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
