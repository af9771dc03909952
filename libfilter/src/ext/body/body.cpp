// RFC 5173: the body test.
//   body [COMPARATOR] [MATCH-TYPE] [BODY-TRANSFORM] <key-list: string-list>
//   BODY-TRANSFORM = :raw / :content <content-types: string-list> / :text
// §5.1 :raw matches the undecoded body after the header as one string.
// §5.2 :content matches parts whose type is in the list ("" every type,
// "text" every text/*, "text/html" that type), descending into multiparts
// and message/rfc822: a matching multipart contributes its prologue and
// epilogue, a matching message/rfc822 its enclosed header; a leaf its
// content with the transfer encoding undone (text/* also converted to
// UTF-8). A type such as "text/" or "/plain" matches no part (not an
// error, as in Pigeonhole). §5.3 :text (the default) matches what a reader sees: text/*
// parts (and XHTML), decoded to UTF-8, HTML reduced to its text, in
// multiparts and enclosed messages; other parts are skipped.
// A message whose header is not followed by an empty line has no body:
// every body test is false for it. §6: body never sets match variables.
// Decoded parts are cached per run (ext/mime/content_state.hpp).
#include "compile/emitter.hpp"
#include "ext/extension.hpp"
#include "ext/mime/content_state.hpp"
#include "ext/relational/relational.hpp"
#include "mail/message.hpp"
#include "validate/registry.hpp"
#include "vm/exec.hpp"

#include <algorithm>
#include <iterator>

namespace sift::ext {
using namespace validate;

namespace {

// test_body's transform, named in its opcodes.def row.
enum transform : std::uint64_t {
    as_text = vm::flag(vm::opcode::test_body, "text"),
    as_raw = vm::flag(vm::opcode::test_body, "raw"),
    as_content = vm::flag(vm::opcode::test_body, "content")
};

void emit_body(compile::emitter& e, const binding& b) {
    std::uint64_t how = b.has_tag("raw") ? as_raw : b.has_tag("content") ? as_content : as_text;
    parse::ast::string_list none;
    const auto* types = b.tag_value("content");
    e.emit(vm::opcode::test_body,
           {std::uint64_t(b.match.cmp), vm::pack(b.match), how,
            e.list(types ? std::get<parse::ast::string_list>(*types) : none), e.list(b.list_arg(0))});
}

}  // namespace

void register_body(registry& r) {
    r.add(capability_def{"body"});
    r.add(tag_def{.name = "raw", .group = "body-transform", .capability = "body"});
    r.add(tag_def{.name = "text", .group = "body-transform", .capability = "body"});
    r.add(tag_def{.name = "content",
                  .group = "body-transform",
                  .parameter = arg_kind::string_list,
                  .capability = "body"});
    r.add(command_def{.name = "body",
                      .is_test = true,
                      .capability = "body",
                      .positional = {arg_kind::string_list},
                      .tags = {"comparator", "match-type", "body-transform"},
                      .emit = emit_body});
}

}  // namespace sift::ext

namespace sift::vm {
namespace {

// "" matches every type, "type" its subtypes, "type/subtype" itself;
// compared case-insensitively (RFC 2045 §5.1).
bool type_matches(const mail::mime_part& p, std::string_view want) {
    if (want.empty()) return true;
    auto slash = want.find('/');
    if (slash == std::string_view::npos) return mail::iequals(p.type, want);
    return mail::iequals(p.type, want.substr(0, slash)) && mail::iequals(p.subtype, want.substr(slash + 1));
}

bool any_type(run_state& s, const mail::mime_part& p, std::uint64_t types) {
    std::string buffer;
    for (auto t : s.list(types))
        if (type_matches(p, s.text(t, buffer))) return true;
    return false;
}

// Calls `test` on each string :content selects, until one returns true.
template <class F>
bool each_content(run_state& s, std::uint64_t types, F&& test) {
    for (const auto* p : ext::message_parts(s)) {
        if (!any_type(s, *p, types)) continue;
        if (p->is_multipart()) {
            if (test(ext::prologue(*p)) || test(ext::epilogue(*p))) return true;
        } else if (p->is_message()) {
            if (test(ext::header_block(p->children.front()))) return true;
        } else if (test(ext::content_text(s, *p))) {
            return true;
        }
    }
    return false;
}

// Whether the display text of a part has a key of the list in `slot` of
// `index` (content_state::phrase_searches): the parts already searched
// answer for every list; the others are decoded and searched in order
// until one has the list's key, as far as the per-key search would go.
// The state lasts as long as the message: a new one (change_message,
// forget_message_changes) clears it.
bool phrase_found(run_state& s, ext::content_state& c, const vm::phrase_index& index, std::size_t slot) {
    // A plain loop: a run has one or two indexes (the pair's, a user
    // script's own), so the first entry is nearly always the one.
    ext::content_state::phrase_search* search = nullptr;
    for (auto& p : c.phrase_searches)
        if (p.index == &index) {
            search = &p;
            break;
        }
    if (!search) {
        c.phrase_searches.push_back({&index, std::vector<std::uint8_t>(index.lists(), 0)});
        search = &c.phrase_searches.back();
    }
    if (search->found[slot]) return true;
    // Every part searched: the answer stands (most of a message's phrase
    // tests after its first), without asking for the parts again.
    if (search->all_searched) return false;
    const auto& parts = ext::message_parts(s);
    while (search->searched < parts.size()) {
        const auto* p = parts[search->searched++];
        const auto* text = p->children.empty() ? ext::display_text(s, *p) : nullptr;
        if (!text) continue;
        index.search(*text, c.part_found);
        // Through pointers: a store through `found` could alias the
        // vectors' own members otherwise, read again at every slot.
        auto* found = search->found.data();
        const auto* part = c.part_found.data();
        for (std::size_t i = 0, n = search->found.size(); i < n; ++i) found[i] |= part[i];
        if (found[slot]) return true;
    }
    search->all_searched = true;
    return false;
}

// body :text :contains under i;ascii-casemap (the VM's own comparator and
// match type) with a list the program's phrase index holds: most of the
// default policy's body tests. Sets s.flag and returns true, or returns
// false when the list is not indexed (the general path then). The
// message has a body.
bool phrase_test(run_state& s, const instruction& ins) {
    auto list = std::uint32_t(ins.arg[4]);
    const auto* phrases = s.prog().phrases.get();
    // The slot itself, not ext::content(): this path runs some 37,000
    // times over the bench corpus, and the call was a fifth of it.
    auto& c = s.slot<ext::content_state>();
    // A sequence's first and last scripts search each text once for both
    // their lists (paired_phrases_for).
    if (!c.paired_looked_up) {
        c.paired_looked_up = true;
        if (s.programs.size() > 1) c.paired = paired_phrases_for(*s.programs.front(), *s.programs.back());
    }
    if (c.paired) {
        bool last = s.script() + 1 == s.programs.size();
        if (s.script() == 0 || last) {
            phrases = &c.paired->index;
            if (last) list += c.paired->last_base;
        }
    }
    auto slot = phrases->slot(list);
    if (slot < 0) return false;
    s.flag = phrase_found(s, c, *phrases, std::size_t(slot));
    return true;
}

// Runs `test` on the strings the transform selects; sets s.flag.
template <class F>
void search_body(run_state& s, const instruction& ins, F&& test) {
    switch (ins.arg[2]) {
        case ext::as_raw:
            s.flag = test(s.current().body());
            break;
        case ext::as_content:
            s.flag = each_content(s, ins.arg[3], test);
            break;
        default:
            s.flag = false;
            for (const auto* p : ext::message_parts(s)) {
                const auto* text = p->children.empty() ? ext::display_text(s, *p) : nullptr;
                if (text && test(*text)) {
                    s.flag = true;
                    break;
                }
            }
    }
}

}  // namespace

void exec_test_body(run_state& s, const instruction& ins) {
    // A phrase list (program::phrases) under :text: each part's text is
    // searched once for every list, and the answer kept for the run's
    // other body tests (phrase_test); told before the match spec is made.
    // The casts are match_spec_of's.
    if (ins.arg[2] != ext::as_raw && ins.arg[2] != ext::as_content &&
        static_cast<match_type>(ins.arg[1] & 0xFF) == match_type::contains &&
        static_cast<comparator>(ins.arg[0]) == comparator::ascii_casemap && s.prog().phrases) {
        if (!s.current().has_body()) {
            s.flag = false;  // as below
            return;
        }
        if (phrase_test(s, ins)) return;
    }
    auto spec = s.match_spec_of(ins.arg[1], ins.arg[0]);
    auto keys = ins.arg[4];
    // §6: body's wildcards do not set the match variables; those of the
    // last other test stay, and its keys read them (RFC 5229 §3.2).
    spec.capture = false;
    auto test = [&](std::string_view value) { return s.any_key(value, keys, spec); };
    if (!s.current().has_body()) {
        // A header without the empty line after it has no body: the
        // set of strings to search is empty and the test is false.
        s.flag = false;
    } else {
        search_body(s, ins, test);
    }
    if (spec.type == ext::match_count) s.flag = ext::count_matches(s, keys, spec);
}

}  // namespace sift::vm

namespace sift::ext {
extern const descriptor body_extension{.name = "body", .add = register_body};

}  // namespace sift::ext
