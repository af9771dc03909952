// Messages to filter, from an mbox file, a Maildir, or a directory of .eml
// files. Files are memory-mapped; messages are views into the mappings.
#pragma once

#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sift::cli {

struct corpus_message {
    const std::string* file = nullptr;
    std::size_t number = 0;  // the N-th message of an mbox, 0 for a single file
    std::string_view raw;    // the message, without the mbox "From " line
    bool from_mbox = false;  // body lines may carry mboxrd ">From " quoting

    // "path" or "path#N" (made only when printed: big mboxes have millions).
    std::string label() const { return number ? *file + "#" + std::to_string(number) : *file; }
};

class corpus {
public:
    // Adds every message below `path`; throws std::runtime_error with the
    // reason when `path` cannot be read.
    void add(const std::string& path);

    const std::vector<corpus_message>& messages() const { return messages_; }

private:
    void add_file(const std::string& path);
    void add_mbox(std::string_view data);  // of the last file in files_

    struct mapping;
    std::vector<std::shared_ptr<mapping>> mappings_;
    std::deque<std::string> files_;  // stable: messages point at their file's name
    std::vector<corpus_message> messages_;
};

// The offset just past the first empty line (LF or CRLF) of `raw`: where the
// body starts; npos when there is none.
std::size_t find_blank_line(std::string_view raw);

// mboxrd: a body line ">From " (any number of '>') loses one '>'.
std::string unquote_mbox(std::string_view raw);

}  // namespace sift::cli
