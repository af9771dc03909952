// Attachments for the benchmark suites: archives written in memory with
// libarchive (their base64 bodies: mail::base64_lines).
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

}  // namespace sift::bench
