// The message model behind sift::message: a raw buffer and indexes over it.
// Header fields are string_views into the buffer (zero-copy); unfolding and
// RFC 2047 decoding happen only when a test asks.
//
// Threads: the header index is built by the non-const members (parse,
// add_header, end_headers), never by a const one, and the MIME tree is built
// once, under a mutex taken only until it is; so any number of threads may
// call const members of a message nobody is modifying.
//
// Moves keep every view valid: the buffer's heap block moves with the
// string, and a buffer short enough to live inside the string object (SSO)
// is re-based explicitly; a message made by view() refers to the caller's
// bytes, which do not move. Appending re-bases the views when the buffer
// grows (a viewing message copies the bytes first) and drops a MIME tree
// built earlier.
#pragma once

#include "mail/address.hpp"
#include "mail/decode.hpp"
#include "mail/header.hpp"
#include "mail/mime.hpp"

#include <sift/options.hpp>

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace sift::mail {

class message {
public:
    explicit message(message_limits limits = {});
    ~message();
    message(message&& other) noexcept;
    message& operator=(message&& other) noexcept;
    message(const message&) = delete;
    message& operator=(const message&) = delete;

    // The whole message; the header index is built here. A leading mbox
    // "From " line is dropped (mbox_from_line()); see split_header_block()
    // for how malformed header sections are read.
    static message parse(std::string raw, message_limits limits = {});
    // The same over bytes the message does not own and never copies (a
    // mapped mbox): they must stay unchanged while the message lives.
    // Building it further (add_header, append_body) copies them first.
    static message view(std::string_view raw, message_limits limits = {});
    // parse() and view() into this message, which must be new (made by
    // message(limits), nothing added): for an owner that holds it on the
    // heap (sift::message) and would otherwise move one in.
    void assign_raw(std::string raw);
    void assign_view(std::string_view raw);

    // Incremental building (see sift::message). add_header appends
    // name ":" value CRLF, `value` as given (libmilter strips the space
    // after the colon unless asked not to; either way unfold() trims it);
    // it is ignored once the headers are complete. append_body completes
    // the headers first if end_headers was not called.
    void add_header(std::string_view name, std::string_view value);
    void end_headers();
    void append_body(std::string_view chunk);
    bool headers_complete() const { return headers_done_; }

    std::string_view raw() const { return raw_; }
    std::string_view body() const;  // raw body after the blank line
    // False when the header block runs to the end of the message with no
    // empty line after it: then there is no body at all, not an empty one
    // (RFC 5173: every body test is false for such a message).
    bool has_body() const;
    std::uint64_t size() const { return raw_.size(); }

    // All fields in order, up to limits.max_headers.
    const std::vector<header_field>& headers() const { return headers_; }
    // Fields whose name equals `name` case-insensitively, in message order.
    // Allocates; for_each / first are the allocation-free forms.
    std::vector<const header_field*> find(field_name name) const;
    // Calls f(const header_field&) for each field named `name`, in order.
    // When f returns bool, false stops the walk; for_each then returns false.
    template <class F>
    bool for_each(field_name name, F&& f) const;
    // The first field named `name`, or nullptr.
    const header_field* first(field_name name) const;
    std::size_t count(field_name name) const;

    // The field body unfolded (CRLF/LF + WSP -> WSP), leading and trailing
    // whitespace removed. This is what RFC 5228 header tests compare. The
    // scratch forms return a view into `value` or `scratch` (see decode.hpp).
    static std::string unfold(std::string_view value) { return mail::unfold(value); }
    static std::string_view unfold(std::string_view value, std::string& scratch) {
        return mail::unfold(value, scratch);
    }
    // unfold() then RFC 2047 encoded words decoded to UTF-8 (via iconv;
    // undecodable words stay as written).
    static std::string decode(std::string_view value) { return decode_header(value); }
    static std::string_view decode(std::string_view value, std::string& scratch) {
        return decode_header(value, scratch);
    }

    // The MIME tree, parsed on first use, bounded by the limits. The built
    // tree's check inline: tests ask for it some 15 times a message.
    const mime_part& mime() const {
        if (mime_ && mime_->built.load(std::memory_order_acquire)) [[likely]]
            return mime_->root;
        return build_mime();
    }

    // What the parse could not read as written, the header section's and
    // the MIME tree's (mail/defect.hpp), in message order. defects() builds
    // the MIME tree if no test has yet; known_defects() gives the header
    // section's and, only when a test already built it, the tree's, so a
    // run that never looked past the header costs no MIME parse.
    defect_list defects() const;
    defect_list known_defects() const;

    const message_limits& limits() const { return limits_; }

private:
    // Not std::call_once: glibc's pthread_once makes a futex system call
    // each time it runs a function, one per message; an uncontended mutex
    // makes none.
    struct mime_cache {
        std::mutex building;
        mime_part root;
        std::atomic<bool> built = false;  // set (release) once root is complete
    };

    const mime_part& build_mime() const;  // mime() the first time
    void take(message& other) noexcept;
    void append_raw(std::string_view text);
    void rebase(const char* old_base, const char* new_base);
    void drop_mime();
    void note_added_field_defect(defect_kind kind, const std::string& what);

    // Whether raw_ is the caller's bytes (view()) rather than owned_.
    bool viewing() const { return raw_.data() != nullptr && raw_.data() != owned_.data(); }
    void own();  // a viewing message copies its bytes into owned_
    // The header section of raw_ split and indexed (parse(), view()).
    void split();

    message_limits limits_;
    std::string owned_;     // the bytes, unless the message views the caller's
    std::string_view raw_;  // the message: owned_, or the caller's bytes
    bool headers_done_ = false;
    // headers_ and body_offset_ are split_header_block's of raw_ (parse(),
    // view()), so the MIME tree's root takes them instead of splitting
    // again; add_header and appending clear it.
    bool split_ = false;
    std::vector<header_field> headers_;
    // The fields by name: each key_bucket() chains its fields in message
    // order, first_ and last_ holding 1 + a field's index (0: none) and
    // next_[i] the one after field i in its bucket, so that a lookup walks
    // the few fields that may have its name, not all of them.
    std::array<std::uint32_t, 64> first_{}, last_{};
    std::vector<std::uint32_t> next_;
    void index_field(std::size_t i);  // headers_[i], the last field, joins its bucket
    defect_list header_defects_;      // the header section's (the tree's root repeats none)
    std::size_t body_offset_ = 0;
    std::unique_ptr<mime_cache> mime_;
};

template <class F>
bool message::for_each(field_name name, F&& f) const {
    for (auto at = first_[key_bucket(name.key)]; at != 0; at = next_[at - 1]) {
        const header_field& h = headers_[at - 1];
        if (!has_name(h, name)) {
            continue;
        }
        if constexpr (std::is_same_v<std::invoke_result_t<F&, const header_field&>, bool>) {
            if (!f(h)) {
                return false;
            }
        } else {
            f(h);
        }
    }
    return true;
}

}  // namespace sift::mail
