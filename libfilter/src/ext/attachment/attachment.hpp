// vnd.sift.attachment (docs/EXTENSIONS.md): the names of the files a
// message carries, found once per run — MIME attachments (also inside
// message/rfc822 parts) and the members of the archives among them, read
// with libarchive (docs/ATTACHMENTS.md says why) within
// run_options::attachment's quotas.
#pragma once

#include "mail/defect.hpp"
#include "mail/mime.hpp"

#include <sift/options.hpp>
#include <sift/result.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vm/run_state.hpp"

namespace sift::ext {

// A name as it is matched: the last path component (after '/' or '\'),
// bidi controls, zero-width characters and other controls removed,
// trailing dots and spaces dropped (Windows ignores them), Unicode case
// folded. What was removed is said in `bidi` / `invisible`.
struct normalised_name {
    std::string name;
    std::string shown;       // the same before case folding (for carrier and path)
    bool bidi = false;       // U+202A..U+202E, U+2066..U+2069, U+200E, U+200F, U+061C
    bool invisible = false;  // U+200B..U+200D, U+2060, U+FEFF, U+00AD, C0/C1 controls
};
normalised_name normalise_name(std::string_view raw);
// The code point of UTF-8 at s[i] and its `length`, or -1 (length 1) for
// a byte that starts none; whether normalise_name removes a code point.
long decode_code_point(std::string_view s, std::size_t i, std::size_t& length);
bool hidden_code_point(long cp);
// Whether every byte of `s` is printable ASCII (0x20..0x7E): a name with
// nothing for normalise_name to remove but case and path.
bool printable_ascii(std::string_view s);

// Every suffix after a dot of a normalised name, shortest first:
// "photo.jpg.scr" -> "scr", "jpg.scr". A name without a dot (or only a
// leading one, ".profile" -> "profile") has those after its dots.
std::vector<std::string_view> name_extensions(std::string_view name);
// Calls `f` on each of name_extensions(name) in that order, without making
// the list, until it returns true; whether one did.
template <class F>
bool any_extension(std::string_view name, F&& f) {
    for (auto dot = name.rfind('.'); dot != std::string_view::npos; dot = name.rfind('.', dot - 1)) {
        if (dot + 1 < name.size() && name[dot + 1] != '.' && f(name.substr(dot + 1))) return true;
        if (dot == 0) break;
    }
    return false;
}
// The first of name_extensions (the shortest), or empty, without making
// the list: what the scan asks of every name ("is it a .zip, a .docx?").
std::string_view last_extension(std::string_view name);

// Office Open XML and OpenDocument files (.docx, .xlsx, .odt, ...) are zip
// containers, but documents: their members are never judged as files.
bool is_office_document(std::string_view name);

// One file found: a named MIME part, or an archive member (the result's
// type: sift::result::attachments holds the run's).
using attached_file = sift::attached_file;

// What the run found: the files and the defects (archive_*,
// attachment_name_*), each defect naming the file and its path.
struct attachment_scan {
    std::vector<attached_file> files;
    mail::defect_list defects;
};

// Scans the whole message (every leaf part of the MIME tree) within
// `quota`. Used once per run by the attachment slot; public for tests.
// Archives are handed to libarchive `read_block` bytes at a time
// (docs/ATTACHMENTS.md, "Bounded reads"); 0 opens each with
// archive_read_open_memory, in one block (tests compare the two).
// Each archive is offered to the libarchive readers its first bytes call
// for (archive_readers(); docs/ATTACHMENTS.md, "Choosing the readers");
// `every_reader` offers each to all of them, as tests compare.
constexpr std::size_t archive_read_block = 512;
attachment_scan scan_attachments(const mail::mime_part& root, const attachment_options& quota,
                                 std::size_t read_block = archive_read_block, bool every_reader = false);

// The libarchive readers an archive starting with `data` is offered to
// (and the decompression filters: those that could bid): only the zip readers (and raw,
// which bids on anything) when the bytes start with a zip signature and
// no other reader would bid on them; only tar (and raw) for a gzip stream
// that starts with a ustar header the tar reader outbids every reader on;
// else every reader. libarchive picks the same reader either way.
enum class archive_readers { zip, tar, every };
archive_readers readers_for(std::string_view data);

// The run's scan, made on first use (the attachment test, and the defect
// test through descriptor::find_defects).
const attachment_scan& attachments(vm::run_state& s);

}  // namespace sift::ext
