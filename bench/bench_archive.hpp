// Attachments for the benchmark suites: archives written in memory with
// libarchive and base64 bodies broken into 76-character lines, as a mail
// client sends them.
#pragma once

#include <archive.h>
#include <archive_entry.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sift::bench {

// An archive of `members` (path, content) in libarchive's `format`
// ("zip", "ustar", ...) through `filter` ("gzip", ...; "" for none).
inline std::string make_archive(const std::vector<std::pair<std::string, std::string>>& members,
                                const char* format, const char* filter = "") {
    archive* a = archive_write_new();
    archive_write_set_format_by_name(a, format);
    if (*filter) archive_write_add_filter_by_name(a, filter);
    std::string out(4 << 20, '\0');
    std::size_t used = 0;
    archive_write_open_memory(a, out.data(), out.size(), &used);
    for (const auto& [path, content] : members) {
        archive_entry* e = archive_entry_new();
        archive_entry_set_pathname(e, path.c_str());
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_perm(e, 0644);
        archive_entry_set_size(e, la_int64_t(content.size()));
        archive_write_header(a, e);
        archive_write_data(a, content.data(), content.size());
        archive_entry_free(e);
    }
    archive_write_close(a);
    archive_write_free(a);
    out.resize(used);
    return out;
}

// `in` in base64, CRLF after every 76 characters and at the end.
inline std::string base64(std::string_view in) {
    static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    for (std::size_t i = 0, line = 0; i < in.size(); i += 3) {
        unsigned n = unsigned(static_cast<unsigned char>(in[i])) << 16;
        if (i + 1 < in.size()) n |= unsigned(static_cast<unsigned char>(in[i + 1])) << 8;
        if (i + 2 < in.size()) n |= unsigned(static_cast<unsigned char>(in[i + 2]));
        out += alphabet[(n >> 18) & 63];
        out += alphabet[(n >> 12) & 63];
        out += i + 1 < in.size() ? alphabet[(n >> 6) & 63] : '=';
        out += i + 2 < in.size() ? alphabet[n & 63] : '=';
        if ((line += 4) == 76) out += "\r\n", line = 0;
    }
    return out + "\r\n";
}

}  // namespace sift::bench
