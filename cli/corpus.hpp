// Messages to filter, from mbox files, Maildirs and directories of .eml
// files, as units of work for `sift filter`'s threads. Nothing is read up
// front but the directory listings and the start of each mbox named on the
// command line: a large mbox is mapped (mmap) and cut into slices, and
// each thread finds the messages of its slice itself, so splitting runs in
// parallel with evaluation and each byte is read while it is in cache.
// Slices already done are dropped from memory (MADV_DONTNEED), so resident
// memory stays near a few slices whatever the mbox's size.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sift::cli {

// A file's bytes, read-only: mapped (mmap) when it is large, read into
// memory of its own when it is small (one message: a read is cheaper than
// setting up and tearing down a mapping and faulting its pages in, 20 µs
// of system time per file of a few KB; docs/PERFORMANCE.md).
class mapped_file {
public:
    // Throws io_error with the system's reason.
    explicit mapped_file(const std::string& path);
    // A small file is read into `buffer` instead of memory of its own: one
    // thread reuses one buffer from message file to message file, which
    // must outlive this object and not be touched while it is in use.
    mapped_file(const std::string& path, std::vector<char>& buffer);
    ~mapped_file();
    mapped_file(const mapped_file&) = delete;
    mapped_file& operator=(const mapped_file&) = delete;

    std::string_view view() const { return {static_cast<const char*>(data_), size_}; }
    // Maps in the pages of [lo, hi) in one call, where the kernel can
    // (Linux 5.14): cheaper than a page fault every few pages.
    void populate(std::size_t lo, std::size_t hi) const;
    // Gives back the memory of the pages wholly inside [lo, hi): they are
    // read again from the page cache if touched later.
    void release(std::size_t lo, std::size_t hi) const;

private:
    mapped_file(const std::string& path, std::vector<char>* buffer);

    void* data_ = nullptr;  // the mapping, owned_'s bytes or the caller's buffer's
    std::size_t size_ = 0;
    bool mapped_ = false;
    std::unique_ptr<char[]> owned_;  // a small file's bytes without a buffer
};

// One unit of work: the messages of `file` whose mbox "From " line starts
// in [lo, hi) (the file's first message belongs to lo == 0), or the whole
// file when it is not an mbox.
struct work_item {
    std::size_t file = 0;  // index in corpus::files()
    std::size_t lo = 0, hi = std::string_view::npos;
    std::shared_ptr<const mapped_file> mapping;  // null: the thread maps the file itself
};

class corpus {
public:
    // Adds `path`: an mbox or message file, a Maildir (new/ and cur/), or a
    // directory searched recursively for .eml and .mbox files. Throws
    // io_error when `path` cannot be read.
    void add(const std::string& path);

    const std::vector<std::string>& files() const { return files_; }
    const std::vector<work_item>& items() const { return items_; }
    // What was passed over, one line each ("DIR: 3 files neither .eml nor .mbox: a.txt, ...").
    const std::vector<std::string>& notes() const { return notes_; }

private:
    void add_file(const std::string& path, bool map_now);

    std::vector<std::string> files_;
    std::vector<work_item> items_;
    std::vector<std::string> notes_;
};

// Where the first "From " line of an mbox starts, after any empty lines;
// npos when `data` is not an mbox.
std::size_t mbox_start(std::string_view data);

// A message and the length of its header (the empty line after it
// included; the whole message when it has no body).
struct message_text {
    std::string_view raw;
    std::size_t header_size = 0;
};

// A message file's text (not an mbox).
message_text single_message(std::string_view raw);

// The messages whose "From " separator line starts in [lo, hi), each
// without its "From " line and without the empty line that ends it
// (mboxo/mboxrd: a separator is a "From " line after an empty line).
// One pass: the header's end is found first, and the next separator is
// searched from there (a separator follows an empty line, so none can be
// inside the header).
std::vector<message_text> mbox_messages(std::string_view data, std::size_t lo, std::size_t hi);

// The last message of an mbox without the empty line that ends the file
// (the format's, like the one before each separator), when it has one.
std::string_view without_final_empty_line(std::string_view raw);

// mboxrd: a body line ">From " (any number of '>') loses one '>'.
std::string unquote_mbox(std::string_view raw);

}  // namespace sift::cli
