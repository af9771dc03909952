#include "corpus.hpp"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include <fcntl.h>
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

bool is_mbox(std::string_view data) { return data.substr(0, 5) == "From "; }

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
        m->data = ::mmap(nullptr, m->size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (m->data == MAP_FAILED) {
            ::close(fd);
            throw std::runtime_error(path + ": cannot map: " + std::strerror(errno));
        }
        ::madvise(m->data, m->size, MADV_SEQUENTIAL);
    }
    ::close(fd);
    mappings_.push_back(m);
    auto data = m->view();
    if (is_mbox(data))
        add_mbox(path, data);
    else
        messages_.push_back({path, data, false});
}

namespace {

// The next message separator at or after `from`: a line "From ..." that
// follows an empty line (LF or CRLF). Returns {end of the message before it,
// start of the separator line}, or {size, size} when there is none.
std::pair<std::size_t, std::size_t> next_separator(std::string_view data, std::size_t from) {
    constexpr std::string_view marker = "\nFrom ";
    while (from < data.size()) {
        const void* hit = ::memmem(data.data() + from, data.size() - from, marker.data(), marker.size());
        if (!hit) break;
        std::size_t at = static_cast<const char*>(hit) - data.data();
        if (at > 0 && data[at - 1] == '\n') return {at, at + 1};
        if (at > 1 && data[at - 1] == '\r' && data[at - 2] == '\n') return {at - 1, at + 1};
        from = at + 1;
    }
    return {data.size(), data.size()};
}

}  // namespace

// Splits at "From " lines that follow an empty line (mboxo/mboxrd). The
// empty line belongs to the format, not to the message.
void corpus::add_mbox(const std::string& path, std::string_view data) {
    std::size_t n = 0;
    std::size_t start = 0;
    while (start < data.size()) {
        std::size_t body = data.find('\n', start);
        body = body == std::string_view::npos ? data.size() : body + 1;
        auto [end, next] = next_separator(data, body > 0 ? body - 1 : 0);
        messages_.push_back({path + "#" + std::to_string(++n), data.substr(body, end - body), true});
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
