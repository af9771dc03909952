// Messages to filter, from an mbox file, a Maildir, or a directory of .eml
// files. Files are memory-mapped; messages are views into the mappings.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sift::cli {

struct corpus_message {
    std::string label;      // "path" or "path#N" for the N-th message of an mbox
    std::string_view raw;   // the message, without the mbox "From " line
    bool from_mbox = false; // body lines may carry mboxrd ">From " quoting
};

class corpus {
public:
    // Adds every message below `path`; throws std::runtime_error with the
    // reason when `path` cannot be read.
    void add(const std::string& path);

    const std::vector<corpus_message>& messages() const { return messages_; }

private:
    void add_file(const std::string& path);
    void add_mbox(const std::string& path, std::string_view data);

    struct mapping;
    std::vector<std::shared_ptr<mapping>> mappings_;
    std::vector<corpus_message> messages_;
};

// mboxrd: a body line ">From " (any number of '>') loses one '>'.
std::string unquote_mbox(std::string_view raw);

}  // namespace sift::cli
