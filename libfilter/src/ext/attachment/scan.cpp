// vnd.sift.attachment: finding the files of a message — its named MIME
// parts, and the members of the archives among them, read with libarchive
// (docs/ATTACHMENTS.md) within run_options::attachment's quotas.
#include "ext/attachment/attachment.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <locale.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <limits>
#include <memory>

namespace sift::ext {

namespace {

constexpr std::size_t sniff_bytes = 512;  // enough for every magic below but ISO 9660's

bool at(std::string_view data, std::size_t offset, std::string_view magic) {
    return data.size() >= offset + magic.size() && data.substr(offset, magic.size()) == magic;
}

// The formats and compressions libarchive reads, by their first bytes.
bool archive_magic(std::string_view d) {
    using namespace std::string_view_literals;
    static constexpr std::array<std::string_view, 19> starts{"PK\x03\x04"sv,
                                                             "PK\x05\x06"sv,
                                                             "PK\x07\x08"sv,
                                                             "7z\xBC\xAF\x27\x1C"sv,
                                                             "Rar!\x1A\x07"sv,
                                                             "MSCF"sv,
                                                             "\x1F\x8B"sv,
                                                             "BZh"sv,
                                                             "\xFD"
                                                             "7zXZ\x00"sv,
                                                             "070707"sv,
                                                             "070701"sv,
                                                             "070702"sv,
                                                             "\xC7\x71"sv,
                                                             "\x71\xC7"sv,
                                                             "\x28\xB5\x2F\xFD"sv,
                                                             "LZIP"sv,
                                                             "\x1F\x9D"sv,
                                                             "xar!"sv,
                                                             "!<arch>\n"sv};
    // Each member's sniff asks this: the first byte rules out most
    // signatures before their comparison.
    if (!d.empty())
        for (auto m : starts)
            if (m[0] == d[0] && d.starts_with(m)) return true;
    return at(d, 257, "ustar") || at(d, 2, "-lh") || at(d, 32769, "CD001");
}

// The zip streamable reader's bid (29) is on these first four bytes.
bool zip_start(std::string_view d) {
    using namespace std::string_view_literals;
    static constexpr std::array<std::string_view, 6> starts{"PK\x01\x02"sv, "PK\x03\x04"sv, "PK\x05\x06"sv,
                                                            "PK\x06\x06"sv, "PK\x07\x08"sv, "PK00"sv};
    return std::any_of(starts.begin(), starts.end(), [&](std::string_view m) { return at(d, 0, m); });
}

// Whether a tar header's checksum field (8 bytes at 148) holds only octal
// digits, spaces and NULs, as libarchive's tar reader (checksum()) wants.
bool tar_checksum_field_octal(std::string_view header) {
    auto field = header.substr(148, 8);
    return std::all_of(field.begin(), field.end(),
                       [](char c) { return c == ' ' || c == '\0' || (c >= '0' && c <= '7'); });
}

// libarchive's tar reader bids on a 512-byte header whose checksum field
// holds only octal digits, spaces and NULs (and whose checksum is right),
// or on an all-zero block: the bytes that let it bid at all.
bool tar_could_bid(std::string_view d) {
    if (d.size() < 512) return false;  // its read-ahead of 512 bytes fails: no bid
    if (d.find_first_not_of('\0', 0) >= 512) return true;
    return tar_checksum_field_octal(d);
}

// libarchive's tar reader's number-field check (validate_number_field):
// a base-256 marker, or spaces, octal digits, then spaces and NULs.
bool tar_number_field(std::string_view f) {
    auto marker = static_cast<unsigned char>(f[0]);
    if (marker == 128 || marker == 255 || marker == 0) return true;
    std::size_t i = 0;
    while (i < f.size() && f[i] == ' ') ++i;
    while (i < f.size() && f[i] >= '0' && f[i] <= '7') ++i;
    return std::all_of(f.begin() + std::ptrdiff_t(i), f.end(), [](char c) { return c == ' ' || c == '\0'; });
}

// Whether libarchive's tar reader bids at least 106 on `h`, the first 512
// bytes of a stream (archive_read_format_tar_bid: 48 for a right checksum,
// 56 for the POSIX or GNU ustar magic and version, 2 for a type that is a
// digit, a letter or NUL, nothing at all unless its number fields are
// octal): more than any other reader ever bids (xar's 96 is the most), so
// libarchive gives such a stream to the tar reader whatever else is
// registered.
bool tar_outbids_every_reader(std::string_view h) {
    using namespace std::string_view_literals;
    if (h.size() < 512 || !(at(h, 257,
                               "ustar\0"
                               "00"sv) ||
                            at(h, 257, "ustar  \0"sv)))
        return false;
    if (!tar_checksum_field_octal(h)) return false;
    auto field = h.substr(148, 8);
    std::size_t i = 0;
    while (i < field.size() && (field[i] == ' ' || field[i] == '\t')) ++i;
    int sum = 0;
    for (; i < field.size() && field[i] >= '0' && field[i] <= '7'; ++i) sum = sum * 8 + (field[i] - '0');
    int unsigned_check = 8 * ' ', signed_check = 8 * ' ';  // the checksum field counts as spaces
    for (std::size_t k = 0; k < 512; ++k) {
        if (k >= 148 && k < 156) continue;
        unsigned_check += static_cast<unsigned char>(h[k]);
        signed_check += static_cast<signed char>(h[k]);
    }
    if (sum != unsigned_check && sum != signed_check) return false;
    char type = h[156];
    if (type != 0 && !(type >= '0' && type <= '9') && !(type >= 'A' && type <= 'Z') &&
        !(type >= 'a' && type <= 'z'))
        return false;
    for (auto [offset, size] :
         {std::pair{100, 8}, {108, 8}, {116, 8}, {136, 12}, {124, 12}, {329, 8}, {337, 8}})
        if (!tar_number_field(h.substr(std::size_t(offset), std::size_t(size)))) return false;
    return true;
}

// The first 512 bytes a gzip stream decompresses to, for a stream with
// the plain ten-byte header (deflate, no flags: what libarchive's gzip
// filter and zlib both read the same); empty for any other, and for one
// that gives fewer. Inflating stops once 512 bytes came out.
std::string gzip_first_block(std::string_view d) {
    using namespace std::string_view_literals;
    constexpr std::size_t header = 10;
    if (d.size() <= header || !at(d, 0, "\x1F\x8B\x08\x00"sv)) return {};
    z_stream z{};
    if (inflateInit2(&z, -MAX_WBITS) != Z_OK) return {};  // raw deflate: the header is read above
    std::string block(512, '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(d.data() + header));
    z.avail_in = uInt(std::min<std::size_t>(d.size() - header, std::numeric_limits<uInt>::max()));
    z.next_out = reinterpret_cast<Bytef*>(block.data());
    z.avail_out = uInt(block.size());
    int r = Z_OK;
    while (r == Z_OK && z.avail_out > 0) r = inflate(&z, Z_NO_FLUSH);
    inflateEnd(&z);
    if (z.avail_out > 0) return {};
    return block;
}

// Whether a libarchive decompression filter bids on a stream starting with
// `d` (archive_read_support_filter_*.c): gzip, compress, bzip2, xz, lzip
// and zstd (and its skippable frames) on their signatures, lzma on a first
// byte of at most 224 before a dictionary size whose low byte is 0.
bool filter_could_bid(std::string_view d) {
    using namespace std::string_view_literals;
    if (d.size() < 2) return false;
    if (at(d, 0, "\x1F\x8B"sv) || at(d, 0, "\x1F\x9D"sv) || at(d, 0, "BZh"sv) ||
        at(d, 0,
           "\xFD"
           "7zXZ"sv) ||
        at(d, 0, "LZIP"sv) || at(d, 0, "\x28\xB5\x2F\xFD"sv))
        return true;
    if (d.size() >= 4 && d[1] == '\x2A' && d[2] == '\x4D' && d[3] == '\x18' &&
        (static_cast<unsigned char>(d[0]) & 0xF0) == 0x50)
        return true;
    return static_cast<unsigned char>(d[0]) <= 224 && d[1] == '\0';
}

// Archive and compression suffixes: a file named so is inspected (and is
// archive_unreadable when libarchive cannot open it).
bool archive_name(std::string_view name) {
    static constexpr std::array<std::string_view, 24> names{
        "zip", "7z",  "rar", "cab",  "tar", "gz",  "tgz", "bz2", "tbz", "tbz2", "xz",  "txz",
        "lz",  "lzh", "lha", "cpio", "iso", "xar", "zst", "z",   "taz", "lzma", "arj", "ace"};
    auto ext = last_extension(name);
    return !ext.empty() && std::find(names.begin(), names.end(), ext) != names.end();
}

bool archive_type(const mail::mime_part& p) {
    if (p.type != "application") return false;
    static constexpr std::array<std::string_view, 16> types{"zip",
                                                            "x-zip-compressed",
                                                            "x-zip",
                                                            "x-7z-compressed",
                                                            "x-rar-compressed",
                                                            "vnd.rar",
                                                            "x-rar",
                                                            "vnd.ms-cab-compressed",
                                                            "x-tar",
                                                            "gzip",
                                                            "x-gzip",
                                                            "x-bzip2",
                                                            "x-xz",
                                                            "x-cpio",
                                                            "x-iso9660-image",
                                                            "x-compressed"};
    return std::find(types.begin(), types.end(), p.subtype) != types.end();
}

// A single compressed file's inner name: "clam.exe.gz" -> "clam.exe".
std::string decompressed_name(std::string_view name) {
    for (std::string_view ext : {".gz", ".bz2", ".xz", ".lzma", ".zst", ".lz", ".z"}) {
        if (name.size() > ext.size() && name.substr(name.size() - ext.size()) == ext)
            return std::string(name.substr(0, name.size() - ext.size()));
    }
    return std::string(name);
}

// A member path as shown in paths: hidden characters removed.
std::string visible(std::string_view member) {
    if (printable_ascii(member)) return std::string(member);  // nothing hidden in it
    std::string out;
    for (std::size_t i = 0; i < member.size();) {
        std::size_t length = 1;
        long cp = decode_code_point(member, i, length);
        if (cp < 0 || !hidden_code_point(cp)) out.append(member.substr(i, length));
        i += length;
    }
    return out;
}

bool contains(std::string_view text, std::string_view word) {
    return text.find(word) != std::string_view::npos;
}

}  // namespace

// libarchive asks every registered reader to bid on an archive's first
// bytes and takes the highest bid (the first registered on a tie).
// Registering a reader costs: the RAR, RAR5, 7-Zip and zip readers
// allocate and clear their state, some 80,000 instructions for the set,
// more than reading a small zip. So a zip is offered to the zip readers
// (streamable, which bids 29 on the signature, and seekable, which bids
// 32 on an end-of-central-directory record at the end) and raw alone,
// when nothing else would bid on it; the choice is then libarchive's own
// (docs/ATTACHMENTS.md, "Choosing the readers"). What else could bid on
// bytes starting "PK" and a zip pair, in libarchive 3.6 (archive_read_
// support_format_*.c, _filter_*.c): tar on a valid header checksum, and
// ISO 9660 on "CD001" at 32769. The others bid on their signature at the
// start (7-Zip, RAR, RAR5, cab, cpio, xar, ar, the gzip, bzip2, xz, lzip,
// zstd and compress filters), on a PE or ELF header at the start (the
// self-extracting 7-Zip, RAR, RAR5, cab and lha), on "-l" at offset 2
// (lha) or on a dictionary size with a zero low byte at offset 1 (lzma):
// none of them can here. Anything else is offered to every reader.
//
// A tar.gz is offered to the tar reader (and raw) alone when the first
// 512 bytes its gzip stream gives (inflated here, with zlib) are a header
// the tar reader bids 106 or more on, which no other reader reaches, and
// no decompression filter bids on them in turn (libarchive stacks filters
// while one bids, and the readers then see what the last one gives). The
// gzip filter is the only one that bids on a stream starting 1F 8B 08.
archive_readers readers_for(std::string_view d) {
    if (zip_start(d)) {
        if (tar_could_bid(d) || at(d, 32769, "CD001")) return archive_readers::every;
        return archive_readers::zip;
    }
    auto inner = gzip_first_block(d);
    if (!inner.empty() && tar_outbids_every_reader(inner) && !filter_could_bid(inner))
        return archive_readers::tar;
    return archive_readers::every;
}

namespace {

// A zip or tar member's name when the reader stored it in the locale's
// character set (as those two readers do: archive_entry_copy_pathname_l)
// and it is ASCII, which is the same in UTF-8: what
// archive_entry_pathname_utf8 would give, without the conversion it makes
// (some 1,800 instructions a name). Null for any other name, and for the
// other readers, which may store names as wide characters only; asking
// them for the locale's form would convert and keep it.
const char* stored_as_ascii(archive* a, archive_entry* e) {
    auto format = archive_format(a) & ARCHIVE_FORMAT_BASE_MASK;
    if (format != ARCHIVE_FORMAT_ZIP && format != ARCHIVE_FORMAT_TAR) return nullptr;
    const char* name = archive_entry_pathname(e);
    if (!name) return nullptr;
    for (const char* c = name; *c; ++c)
        if (static_cast<unsigned char>(*c) >= 0x80) return nullptr;
    return name;
}

struct archive_deleter {
    void operator()(archive* a) const { archive_read_free(a); }
};

// The bytes of an archive handed to libarchive `block` bytes at a time
// (docs/ATTACHMENTS.md, "Bounded reads"). archive_read_open_memory hands
// out the whole buffer in one block, and a reader given more compressed
// bytes than a read asks for uses them all: the zip reader inflates up to
// 256 KiB of a member (and checks its CRC) for the 512 bytes a sniff
// reads. With small blocks it inflates about what is asked. libarchive
// has no memory reader with a block size (archive_read_open_memory2's
// read_size is not public API), so these are its callbacks over the
// buffer: read, skip and seek, the seek keeping the zip reader's
// central-directory (seekable) mode.
struct memory_source {
    const char* data;
    std::int64_t size;
    std::int64_t position = 0;
    std::int64_t block;

    static la_ssize_t read(archive*, void* self, const void** buffer) {
        auto& s = *static_cast<memory_source*>(self);
        auto n = std::min(s.block, s.size - s.position);
        *buffer = s.data + s.position;
        s.position += n;
        return la_ssize_t(n);
    }
    static la_int64_t skip(archive*, void* self, la_int64_t request) {
        auto& s = *static_cast<memory_source*>(self);
        auto n = std::min<std::int64_t>(std::max<la_int64_t>(request, 0), s.size - s.position);
        s.position += n;
        return n;
    }
    static la_int64_t seek(archive*, void* self, la_int64_t offset, int whence) {
        auto& s = *static_cast<memory_source*>(self);
        std::int64_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? s.position : s.size;
        std::int64_t to = base + offset;
        if (to < 0 || to > s.size) {  // as archive_read_open_memory's seek: clamped, failed
            s.position = std::clamp<std::int64_t>(to, 0, s.size);
            return ARCHIVE_FAILED;
        }
        s.position = to;
        return to;
    }
};

struct attachment_budget {
    std::uint64_t size = 0;      // the MIME attachment's decoded bytes
    std::uint64_t expanded = 0;  // bytes read out of its archives
    bool stopped = false;        // a quota ended its inspection
};

class walker {
public:
    walker(const attachment_options& q, attachment_scan& out, std::size_t block, bool every_reader)
        : q_(q), out_(out), block_(block), every_reader_(every_reader) {}

    void part(const mail::mime_part& p, const std::string& number) {
        auto raw = mail::filename(p);
        std::string name, shown;
        if (!raw.empty()) {
            auto n = normalise_name(raw);
            name = n.name;
            shown = n.shown;
            where_ = "part " + (number.empty() ? std::string("0") : number);
            flag_name(n, raw, shown);
            if (!name.empty()) out_.files.push_back({name, shown, shown, number, 0});
        }
        if (p.children.empty() && !p.is_multipart()) leaf(p, number, name, shown);
        for (std::size_t i = 0; i < p.children.size(); ++i)
            part(p.children[i], (number.empty() ? "" : number + ".") + std::to_string(i + 1));
    }

private:
    const attachment_options& q_;
    attachment_scan& out_;
    std::size_t block_;  // read_block: 0 = archive_read_open_memory (the whole archive in one block)
    bool every_reader_;  // offer each archive to every libarchive reader, whatever readers_for says
    std::size_t entries_ = 0;
    std::uint64_t expanded_ = 0;
    bool message_stopped_ = false;  // the message-wide quotas are used up
    std::string where_;             // "part 2", for defect details
    std::string carrier_;
    std::string number_;

    void defect(mail::defect_kind kind, const std::string& path, const std::string& what) {
        out_.defects.push_back({kind, where_ + ": " + path + ": " + what});
    }

    void flag_name(const normalised_name& n, std::string_view raw, const std::string& path) {
        auto shown = path.empty() ? std::string(raw) : path;
        if (n.bidi)
            defect(mail::defect_kind::attachment_name_bidi, shown,
                   "direction controls removed from the name (it is matched as \"" + n.name + "\")");
        if (n.invisible)
            defect(mail::defect_kind::attachment_name_invisible, shown,
                   "zero-width or control characters removed from the name (it is matched as \"" + n.name +
                       "\")");
    }

    void leaf(const mail::mime_part& p, const std::string& number, const std::string& name,
              const std::string& shown) {
        if (p.type == "text" || p.type == "message") return;
        bool named_archive = !name.empty() && archive_name(name);
        if (!name.empty() && is_office_document(name)) return;
        bool generic = p.type == "application" && (p.subtype == "octet-stream" || name.empty());
        if (!named_archive && !archive_type(p) && !generic) return;
        auto data = mail::decoded_body(p);
        if (!named_archive && !archive_type(p) && !archive_magic(data)) return;
        where_ = "part " + (number.empty() ? std::string("0") : number);
        carrier_ = name.empty() ? "(part " + where_.substr(5) + ")" : shown;
        number_ = number;
        if (message_stopped_) {
            defect(mail::defect_kind::archive_quota_exceeded, carrier_,
                   "not inspected: the message's archive quotas were used up before it");
            return;
        }
        attachment_budget budget{.size = data.size()};
        inspect(data, carrier_, carrier_, 1, budget);
    }

    // Adds `n` bytes read out of an archive; false (after recording the
    // defect) when that passes a quota.
    bool spend(std::uint64_t n, attachment_budget& budget, const std::string& path) {
        expanded_ += n;
        budget.expanded += n;
        if (expanded_ > q_.max_expanded) {
            defect(mail::defect_kind::archive_quota_exceeded, path,
                   "more than " + std::to_string(q_.max_expanded) +
                       " bytes expanded from the message's archives");
            message_stopped_ = budget.stopped = true;
            return false;
        }
        if (budget.expanded > q_.ratio_floor && budget.expanded > std::uint64_t(q_.max_ratio) * budget.size) {
            defect(mail::defect_kind::archive_quota_exceeded, path,
                   "expands more than " + std::to_string(q_.max_ratio) + " times its " +
                       std::to_string(budget.size) + " bytes");
            budget.stopped = true;
            return false;
        }
        return true;
    }

    // A failed read: encrypted, cut short, or not readable at all.
    void failed(archive* a, const std::string& path, std::size_t members) {
        std::string error = archive_error_string(a) ? archive_error_string(a) : "unknown error";
        if (contains(error, "ncrypt") || contains(error, "assphrase") ||
            archive_read_has_encrypted_entries(a) > 0)
            defect(mail::defect_kind::archive_encrypted, path, error);
        else if (members > 0 || contains(error, "runcat") || contains(error, "remature"))
            defect(mail::defect_kind::archive_truncated, path, error);
        else
            defect(mail::defect_kind::archive_unreadable, path, error);
    }

    // A libarchive reader over `data` (through `source`, or in one block
    // when block_ is 0), offered to `readers` and the decompression
    // filters that could bid on it; with `seekable_zip_only`, archive_readers::zip is the
    // seekable zip reader alone. archive_read_open1's status in `opened`.
    std::unique_ptr<archive, archive_deleter> open(std::string_view data, archive_readers readers,
                                                   bool seekable_zip_only, memory_source& source,
                                                   int& opened) {
        std::unique_ptr<archive, archive_deleter> owner(archive_read_new());
        archive* a = owner.get();
        if (readers == archive_readers::zip && seekable_zip_only) {
            archive_read_support_format_zip_seekable(a);
        } else if (readers == archive_readers::zip) {
            archive_read_support_format_zip(a);  // the streamable and the seekable reader
            archive_read_support_format_raw(a);
        } else if (readers == archive_readers::tar) {
            archive_read_support_format_tar(a);
            archive_read_support_format_raw(a);
        } else {
            for (auto support : {archive_read_support_format_zip, archive_read_support_format_7zip,
                                 archive_read_support_format_rar, archive_read_support_format_rar5,
                                 archive_read_support_format_cab, archive_read_support_format_tar,
                                 archive_read_support_format_cpio, archive_read_support_format_iso9660,
                                 archive_read_support_format_lha, archive_read_support_format_xar,
                                 archive_read_support_format_ar, archive_read_support_format_raw})
                support(a);
        }
        // The decompression filters that could bid (readers_for): none on
        // a zip's signature, gzip alone on a tar.gz's (whose inner bytes no
        // filter bids on), any of them on anything else.
        if (readers == archive_readers::tar) {
            archive_read_support_filter_gzip(a);
        } else if (readers == archive_readers::every) {
            for (auto support : {archive_read_support_filter_gzip, archive_read_support_filter_bzip2,
                                 archive_read_support_filter_xz, archive_read_support_filter_lzma,
                                 archive_read_support_filter_lzip, archive_read_support_filter_zstd,
                                 archive_read_support_filter_compress})
                support(a);
        }
        if (block_ == 0) {
            opened = archive_read_open_memory(a, data.data(), data.size());
        } else {
            archive_read_set_read_callback(a, memory_source::read);
            archive_read_set_skip_callback(a, memory_source::skip);
            archive_read_set_seek_callback(a, memory_source::seek);
            archive_read_set_callback_data(a, &source);
            opened = archive_read_open1(a);
        }
        return owner;
    }

    void inspect(std::string_view data, const std::string& name, const std::string& path, unsigned depth,
                 attachment_budget& budget) {
        if (depth > q_.max_depth) {
            defect(mail::defect_kind::archive_quota_exceeded, path,
                   "archive nested deeper than " + std::to_string(q_.max_depth) + " levels: not opened");
            return;
        }
        auto readers = every_reader_ ? archive_readers::every : readers_for(data);
        memory_source source{
            .data = data.data(), .size = std::int64_t(data.size()), .block = std::int64_t(block_)};
        int opened = ARCHIVE_OK;
        std::unique_ptr<archive, archive_deleter> owner;
        if (readers == archive_readers::zip) {
            // The seekable zip reader alone first (docs/ATTACHMENTS.md,
            // "Choosing the readers"): when it bids at all it bids 32, over
            // the streamable reader's 29, and is what libarchive picks from
            // the pair; when it does not, nothing bids and the open fails,
            // and the archive is opened again with the pair, as before.
            owner = open(data, archive_readers::zip, true, source, opened);
            if (opened != ARCHIVE_OK) {
                owner.reset();
                source.position = 0;
                owner = open(data, archive_readers::zip, false, source, opened);
            }
        } else {
            owner = open(data, readers, false, source, opened);
        }
        archive* a = owner.get();
        if (opened != ARCHIVE_OK) {
            failed(a, path, 0);
            return;
        }
        std::size_t members = 0;
        bool encrypted_noted = false;
        std::int64_t filtered = 0;  // bytes the decompression filters gave so far
        // Whole members (nested archives) are read in 64 KiB chunks, made
        // (not cleared: read into) when first needed; a sniff reads its 512
        // bytes into `first`.
        constexpr std::size_t chunk_size = std::size_t{64} << 10;
        std::unique_ptr<char[]> chunk;
        std::array<char, sniff_bytes> first{};
        for (;;) {
            archive_entry* e = nullptr;
            int r = archive_read_next_header(a, &e);
            if (r == ARCHIVE_EOF) break;
            // Bytes a compressed stream (tar.gz, a single .gz) gave to reach
            // this header count as expanded: skipping a member decompresses it.
            bool has_filter = archive_filter_count(a) > 1;
            if (has_filter) {
                auto now = archive_filter_bytes(a, 0);
                if (now > filtered && !spend(std::uint64_t(now - filtered), budget, path)) return;
                filtered = std::max(filtered, now);
            }
            if (r < ARCHIVE_WARN) {
                failed(a, path, members);
                return;
            }
            bool raw = archive_format(a) == ARCHIVE_FORMAT_RAW;
            if (raw && !has_filter) {  // neither an archive nor compressed
                defect(mail::defect_kind::archive_unreadable, path, "not in a format libarchive reads");
                return;
            }
            ++members;
            if (++entries_ > q_.max_entries) {
                defect(mail::defect_kind::archive_quota_exceeded, path,
                       "more than " + std::to_string(q_.max_entries) + " archive members in the message");
                message_stopped_ = budget.stopped = true;
                return;
            }
            if (!encrypted_noted &&
                (archive_entry_is_encrypted(e) || archive_entry_is_metadata_encrypted(e))) {
                defect(mail::defect_kind::archive_encrypted, path,
                       "encrypted members: their content is not seen");
                encrypted_noted = true;
            }
            if (archive_entry_filetype(e) == AE_IFDIR) continue;
            std::string member;
            const char* ascii = stored_as_ascii(a, e);
            if (raw) {
                member = decompressed_name(name);
            } else if (ascii) {
                member = ascii;
            } else if (const char* utf8 = archive_entry_pathname_utf8(e)) {
                member = utf8;
            } else if (const char* bytes = archive_entry_pathname(e)) {
                member = bytes;
            } else {
                defect(mail::defect_kind::archive_unreadable, path,
                       "a member's name could not be read: " +
                           std::string(archive_error_string(a) ? archive_error_string(a) : "no name"));
                continue;
            }
            auto n = normalise_name(member);
            auto member_path = path + "/" + visible(member);
            flag_name(n, member, member_path);
            if (!n.name.empty()) out_.files.push_back({n.name, carrier_, member_path, number_, depth});
            if (archive_entry_is_data_encrypted(e) || (!n.name.empty() && is_office_document(n.name)))
                continue;
            // Its first bytes say whether it is an archive too.
            std::string content;
            bool nested = !n.name.empty() && archive_name(n.name);
            bool is_archive = nested;  // by its name, or by its first bytes below
            bool read_all = false, readable = true;
            for (;;) {
                bool whole = read_all || nested;
                if (whole && !chunk) chunk = std::make_unique_for_overwrite<char[]>(chunk_size);
                char* into = whole ? chunk.get() : first.data();
                auto want = whole ? chunk_size : sniff_bytes - content.size();
                auto got = archive_read_data(a, into, want);
                if (got < 0) {
                    // A member that cannot be decompressed (an unsupported
                    // method) is unreadable; the others are still read.
                    failed(a, member_path, 0);
                    if (got == ARCHIVE_FATAL) return;
                    readable = false;
                    break;
                }
                if (got == 0) break;
                if (!has_filter && !spend(std::uint64_t(got), budget, member_path)) return;
                content.append(into, std::size_t(got));
                if (!read_all && !nested && content.size() >= sniff_bytes) {
                    if (!archive_magic(content)) break;
                    read_all = is_archive = true;
                }
                if (has_filter) {
                    auto now = archive_filter_bytes(a, 0);
                    if (now > filtered && !spend(std::uint64_t(now - filtered), budget, member_path)) return;
                    filtered = std::max(filtered, now);
                }
            }
            // A member shorter than a sniff is judged by the bytes it has.
            if (!is_archive && content.size() < sniff_bytes) is_archive = archive_magic(content);
            if (readable && is_archive) {
                inspect(content, n.name, member_path, depth + 1, budget);
                if (budget.stopped) return;
            }
        }
    }
};

// libarchive converts member names through the current locale's
// character set, and a process in the "C" locale (the default of a
// program that never calls setlocale) fails on every non-ASCII name. The
// scan runs with C.UTF-8 in this thread only (uselocale), so names come out
// as UTF-8 whatever the host's locale is. The locale is made once for the
// process and never freed: newlocale opens and maps the locale's files, a
// system call or five per message when made per scan (half of the default
// policy's CPU time, docs/PERFORMANCE.md); a locale_t may be used by any
// number of threads at once.
class utf8_locale {
public:
    utf8_locale() {
        static const locale_t shared = newlocale(LC_CTYPE_MASK, "C.UTF-8", locale_t(0));
        if (shared) previous_ = uselocale(shared);
        switched_ = shared != locale_t(0);
    }
    ~utf8_locale() {
        if (switched_) uselocale(previous_);
    }
    utf8_locale(const utf8_locale&) = delete;
    utf8_locale& operator=(const utf8_locale&) = delete;

private:
    locale_t previous_ = locale_t(0);
    bool switched_ = false;
};

}  // namespace

attachment_scan scan_attachments(const mail::mime_part& root, const attachment_options& quota,
                                 std::size_t read_block, bool every_reader) {
    utf8_locale utf8;
    attachment_scan out;
    walker(quota, out, read_block, every_reader).part(root, "");
    return out;
}

}  // namespace sift::ext
