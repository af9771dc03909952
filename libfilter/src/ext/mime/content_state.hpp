// Per-run state shared by the message-content extensions: body (RFC 5173),
// foreverypart, mime and extracttext (RFC 5703). It is a run slot
// (vm::run_slot), made on first use.
//
// Why a per-run cache and not one on mail::message: the message is shared
// read-only between threads (the milter runs several recipients' scripts
// at once), so a cache there would need a lock or a once-flag per part and
// would keep decoded copies as long as the message lives. Decoding a part
// is linear in its size and a run is single-threaded, so each run decodes
// what it reads once (any number of body tests and extracttext calls share
// it) and frees it when the run ends.
#pragma once

#include "mail/mime.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "vm/run_state.hpp"

namespace sift::ext {

// One active foreverypart loop (RFC 5703 §3).
struct loop_frame {
    std::vector<const mail::mime_part*> parts;  // what it visits, depth-first
    std::size_t index = 0;                      // the current one
    std::size_t begin = 0;                      // address of its loop_begin
    std::size_t body = 0;                       // first instruction of its body
    std::size_t exit = 0;                       // first instruction after it
    std::uint64_t name = 0;                     // string id of :name ("" if none)
};

struct content_state : vm::run_slot {
    std::vector<loop_frame> loops;  // innermost last
    // :text and extracttext, of the HTML parts only: another text/* part's
    // display text is its entry in content_text (display_text()).
    std::unordered_map<const mail::mime_part*, std::string> display_text;
    std::unordered_map<const mail::mime_part*, std::string> content_text;  // :content, link
    // Per phrase index: which of its lists have a key in the display text
    // of one of the first `searched` of `parts` (body :text). Each part's
    // text is searched once for every list (vm::phrase_index::search), in
    // the parts' order and only as far as a test needs: to the first part
    // with the list it asks about, as the per-key search goes. The index
    // is a program's own (vm::program::phrases), or the one of a
    // sequence's first and last programs together (`paired`): a policy's
    // before and after scripts search each text once, a user's script
    // between them again with its own.
    struct phrase_search {
        const vm::phrase_index* index = nullptr;
        std::vector<std::uint8_t> found;  // per slot
        std::size_t searched = 0;
        bool all_searched = false;  // searched is every part's count
    };
    std::vector<phrase_search> phrase_searches;
    std::vector<std::uint8_t> part_found;  // one part's answer, then merged
    std::shared_ptr<const vm::paired_phrases> paired;
    bool paired_looked_up = false;  // paired_phrases_for asked (once a run)
    // Every part of the current message (collect_parts of its root, with
    // it), made for the first body test that reads them (message_parts).
    std::vector<const mail::mime_part*> parts;
    const mail::mime_part* parts_of = nullptr;  // the root they are of
    // What the last mime_select set for the next :mime test (ext/mime).
    std::uint64_t select = 0;
    std::uint64_t select_params = 0;
    // The transfer-encoding defects (mail::transfer_defects) of the parts
    // of the message as it came that this run decoded or the defect test
    // checked: each part is read for them once, and finish() adds them to
    // the result. A rewritten message's parts (replace, enclose) are Sift's
    // own making and are not checked.
    std::unordered_set<const mail::mime_part*> encodings_read;
    std::vector<std::pair<const mail::mime_part*, mail::defect>> encoding_defects;
    bool all_encodings_read = false;

    void finish(vm::run_state& s, result& r, const vm::runtime_error* failure) override;

    // Running loops hold pointers into the old message's MIME tree; they
    // move to the same parts of the new one (RFC 5703 §5), and the decoded
    // parts of the old tree go.
    void message_replaced(vm::run_state& s, const mail::message& previous, const mail::message& next,
                          const vm::part_map& map) override;
    void message_forgotten() override;
};

content_state& content(vm::run_state& s);

// The part the innermost foreverypart is at; the whole message outside one.
const mail::mime_part& current_part(vm::run_state& s);

// `p` (when `with_self`) and every part inside it, depth-first, parents
// before children; a message/rfc822 part is followed by its message.
void collect_parts(const mail::mime_part& p, bool with_self, std::vector<const mail::mime_part*>& out);

// collect_parts of the current message's root, with it: made once per
// message a run reads.
const std::vector<const mail::mime_part*>& message_parts(vm::run_state& s);

// Text meant for a reader (body :text, extracttext): text/* decoded from
// its transfer encoding and charset to UTF-8, HTML reduced to its text;
// nullptr for a part that holds no text (multipart, message, other types).
const std::string* display_text(vm::run_state& s, const mail::mime_part& p);
// A leaf's content for body :content: transfer encoding undone, text/*
// converted to UTF-8, other types as bytes.
const std::string& content_text(vm::run_state& s, const mail::mime_part& p);
// The transfer-encoding defects of every leaf of the message as it came
// (the defect test): the parts no test decoded yet are checked now, without
// decoding them.
const std::vector<std::pair<const mail::mime_part*, mail::defect>>& all_encoding_defects(vm::run_state& s);

// HTML markup removed, script and style elements and comments dropped,
// character references decoded; block elements end a line.
std::string html_to_text(std::string_view html);

// RFC 5173 §5.2: a multipart's prologue and epilogue (empty when absent).
std::string_view prologue(const mail::mime_part& multipart);
std::string_view epilogue(const mail::mime_part& multipart);

// The header block of a part (for message/rfc822 under :content: the
// enclosed message's header, as one string without the blank line).
std::string_view header_block(const mail::mime_part& p);

}  // namespace sift::ext
