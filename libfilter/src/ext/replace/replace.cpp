// RFC 5703 §5: replace.
//   replace [":mime"] [":subject" string] [":from" string] <replacement: string>
// Outside foreverypart, or at a loop's first part (the message itself), the
// entire message is replaced: every header field stays but those of the
// MIME structure (Content-*, MIME-Version), which the replacement brings
// anew with MIME-Version: 1.0. :subject and :from then set Subject and From
// (RFC 2047-encoded when not ASCII) and the old fields stay as
// Original-Subject / Original-From, which editheader cannot delete. Inside
// a loop only the current part is replaced, headers and all (a multipart
// loses its children, which the loop then skips); :subject and :from do
// not apply there. Without :mime the replacement is a text/plain UTF-8
// part (mail::text_entity); with :mime it is a MIME entity as written.
// Later tests, keep and fileinto see the new message (ext::rewrite).
// Compile time: a constant replacement must be UTF-8 (and with :mime an
// entity), a constant :subject UTF-8, a constant :from a mailbox-list;
// values from variables are checked when the command runs (runtime errors).
#include "ext/replace/replace.hpp"

#include "compile/emitter.hpp"
#include "ext/core/core.hpp"
#include "ext/extension.hpp"
#include "ext/mime/content_state.hpp"
#include "ext/utf8.hpp"
#include "mail/encode.hpp"
#include "mail/message.hpp"
#include "validate/registry.hpp"
#include "vm/exec.hpp"

#include <algorithm>
#include <memory>
#include <optional>
#include <unordered_map>
#include <utility>

namespace sift::ext {
using namespace validate;

namespace {

enum option_bit : std::uint64_t {
    mime_bit = vm::flag(vm::opcode::act_replace, "mime"),
    subject_bit = vm::flag(vm::opcode::act_replace, "subject"),
    from_bit = vm::flag(vm::opcode::act_replace, "from")
};

void check_replace(checker& c, const binding& b) {
    const auto& text = b.list_arg(0).items.front();
    if (!c.is_template(text.value)) {
        if (!valid_utf8(text.value))
            c.error(text.pos, "replacement is not valid UTF-8");
        else if (b.has_tag("mime") && !mail::is_mime_entity(text.value))
            c.error(text.pos,
                    "replace :mime replacement is not a MIME entity (header fields with a Content- one, "
                    "an empty line, the body)");
    }
    core::check_utf8_tag(c, b, "subject");
    if (const auto* from = core::tag_string(b, "from");
        from && !c.is_template(from->value) && !valid_mailbox_list(from->value))
        c.error(from->pos, "replace :from \"" + std::string(from->value) + "\" is not a valid mailbox list");
}

void emit_replace(compile::emitter& e, const binding& b) {
    std::uint64_t bits = b.has_tag("mime") ? std::uint64_t(mime_bit) : 0;
    auto text = [&](std::string_view tag, std::uint64_t bit) {
        const auto* s = core::tag_string(b, tag);
        if (s) bits |= bit;
        return e.string(s ? std::string_view(s->value) : std::string_view());
    };
    auto subject = text("subject", subject_bit);
    auto from = text("from", from_bit);
    e.emit(vm::opcode::act_replace, {bits, subject, from, e.string(b.string_arg(0))});
}

}  // namespace

bool valid_mailbox_list(std::string_view text) {
    auto list = mail::parse_address_list(text);
    return !list.empty() &&
           std::all_of(list.begin(), list.end(), [](const mail::address& a) { return a.valid; });
}

std::string mailbox_list_value(std::string_view text) {
    auto line = mail::one_line(text);
    if (std::all_of(line.begin(), line.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; }))
        return line;
    std::string out;
    for (const auto& a : mail::parse_address_list(line)) {
        if (!out.empty()) out += ", ";
        out += a.display_name.empty()
                   ? a.all()
                   : mail::encode_words(a.display_name, out.size() + 6) + " <" + a.all() + ">";
    }
    return out;
}

bool mime_structure_field(std::string_view name) {
    return (name.size() >= 8 && mail::iequals(name.substr(0, 8), "content-")) ||
           mail::iequals(name, "mime-version");
}

std::vector<edited_field> entity_fields(std::string_view entity, std::string_view& body,
                                        const message_limits& limits) {
    std::vector<mail::header_field> fields;
    auto at = mail::split_header_block(entity, {limits.max_headers, limits.max_header_bytes}, fields);
    body = entity.substr(at);
    std::vector<edited_field> out;
    out.reserve(fields.size());
    for (const auto& f : fields) out.push_back({std::string(f.name), std::string(f.value)});
    return out;
}

namespace {

// The message replace and enclose made last (current() points into it),
// the rewrites in order, the message a redirect forwards once an enclose
// ran, and the Original-* fields of the current message, as (lower-cased
// name, occurrence).
struct rewrite_state final : vm::run_slot {
    std::unique_ptr<mail::message> message;
    std::vector<message_edit> edits;
    std::optional<rewritten_message> redirect_message;
    std::vector<std::pair<std::string, unsigned>> locked;

    void finish(vm::run_state& s, result& r, const vm::runtime_error* failure) override {
        if (failure || edits.empty()) return;
        r.message = delivered_message(s);
        r.message_edits = std::move(edits);
        r.redirect_message = std::move(redirect_message);
    }
    void message_forgotten() override {
        message.reset();
        edits.clear();
        redirect_message.reset();
        locked.clear();
    }
};

}  // namespace

void rewrite(vm::run_state& s, message_edit edit, const std::vector<edited_field>& header,
             std::string_view body, const vm::part_map& parts) {
    auto& state = s.slot<rewrite_state>();
    const auto& limits = s.limits;
    if (state.edits.size() >= limits.max_actions)
        throw vm::runtime_error{"too many replace/enclose actions (limit " +
                                std::to_string(limits.max_actions) + ")"};
    auto raw = assemble_message(header, body, s.eol());
    if (raw.size() > limits.max_rewritten_message_size)
        throw vm::runtime_error{"the new message would be " + std::to_string(raw.size()) +
                                " octets, more than the " +
                                std::to_string(limits.max_rewritten_message_size) + " allowed"};
    // RFC 5703 §6: enclose does not change what a redirect forwards.
    if (edit.what == message_edit::kind::enclose && !state.redirect_message)
        state.redirect_message = delivered_message(s);
    std::vector<std::pair<std::string, unsigned>> locked;
    std::unordered_map<std::string, unsigned> seen;
    for (const auto& f : header) {
        auto key = mail::ascii_lower(f.name);
        unsigned n = ++seen[key];
        if (f.locked) locked.emplace_back(std::move(key), n);
    }
    auto next = std::make_unique<mail::message>(mail::message::parse(std::move(raw), s.message.limits()));
    s.change_message(*next, parts);
    state.message =
        std::move(next);  // the old message (if one of ours) goes only now: the loops pointed into it
    state.locked = std::move(locked);
    edit.after_header_edits = header_edit_count(s);
    state.edits.push_back(edit);
}

std::span<const std::pair<std::string, unsigned>> locked_fields(const vm::run_state& s) {
    const auto* state = s.find_slot<rewrite_state>();
    if (!state) return {};
    return state->locked;
}

void register_replace(registry& r) {
    r.add(capability_def{"replace"});
    r.add(tag_def{.name = "mime", .capability = "replace"});
    r.add(tag_def{.name = "subject", .parameter = arg_kind::string, .capability = "replace"});
    r.add(tag_def{.name = "from", .parameter = arg_kind::string, .capability = "replace"});
    r.add(command_def{.name = "replace",
                      .capability = "replace",
                      .positional = {arg_kind::string},
                      .tags = {"mime", "subject", "from"},
                      .check = check_replace,
                      .emit = emit_replace});
}

}  // namespace sift::ext

namespace sift::vm {
namespace {

using field = ext::edited_field;

struct request {
    std::string_view entity;  // the new part: header fields, empty line, body (the message's line ends)
    std::optional<std::string> subject, from;
    unsigned line = 0;
};

// The first old field `name` gives way to `value`; each old one follows as
// Original-<name>, locked (RFC 5703 §5: preserved, and editheader may not
// remove it).
void swap_field(std::vector<field>& out, const field& old, bool& done, std::string_view name,
                const std::string& value) {
    if (!done) out.push_back({std::string(name), value});
    done = true;
    out.push_back({"Original-" + std::string(name), old.value, 0, true});
}

void replace_message(run_state& s, const request& req) {
    auto eol = std::string(s.eol());
    std::optional<std::string> subject, from;
    if (req.subject) subject = " " + mail::with_eol(mail::header_text(mail::one_line(*req.subject), 9), eol);
    if (req.from) from = " " + ext::mailbox_list_value(*req.from);
    std::vector<field> header;
    bool subject_done = false, from_done = false;
    for (const auto& f : ext::header_fields(s)) {
        if (ext::mime_structure_field(f.name)) continue;  // the replacement brings its own
        if (subject && mail::iequals(f.name, "subject"))
            swap_field(header, f, subject_done, "Subject", *subject);
        else if (from && mail::iequals(f.name, "from"))
            swap_field(header, f, from_done, "From", *from);
        else
            header.push_back(f);
    }
    if (subject && !subject_done) header.push_back({"Subject", *subject});
    if (from && !from_done) header.push_back({"From", *from});
    header.push_back({"MIME-Version", " 1.0"});
    std::string_view body;
    for (auto& f : ext::entity_fields(req.entity, body, s.current().limits()))
        if (!mail::iequals(f.name, "mime-version")) header.push_back(std::move(f));
    std::string content(body);
    if (!content.empty() && !content.ends_with('\n')) content += eol;
    ext::rewrite(s, message_edit{message_edit::kind::replace, req.line, 0, true}, header, content,
                 part_map{.shift = 0, .replaced = 0, .descendants = SIZE_MAX / 2});
}

// A part inside the message: its bytes, from its first header field to the
// end of its content, give way to the entity. The line break before the
// next boundary belongs to the boundary (RFC 2046 §5.1.1), so the entity
// does not end in one unless the part did.
void replace_part(run_state& s, const mail::mime_part& part, const request& req) {
    auto raw = s.current().raw();
    auto body = s.current().body();
    auto body_start = std::size_t(body.data() - raw.data());
    auto start = std::size_t(part.raw.data() - raw.data());
    if (start < body_start || start + part.raw.size() > raw.size())
        throw runtime_error{"replace: the current MIME part is not inside the message body"};
    std::string_view entity = req.entity;
    if (!part.raw.ends_with('\n')) {
        if (entity.ends_with("\r\n"))
            entity.remove_suffix(2);
        else if (entity.ends_with('\n'))
            entity.remove_suffix(1);
    }
    std::string content;
    content.reserve(body.size() - part.raw.size() + entity.size());
    content.append(raw.substr(body_start, start - body_start));
    content.append(entity);
    content.append(raw.substr(start + part.raw.size()));
    std::vector<const mail::mime_part*> all, inside;
    ext::collect_parts(s.current().mime(), true, all);
    ext::collect_parts(part, false, inside);
    auto index = std::size_t(std::find(all.begin(), all.end(), &part) - all.begin());
    ext::rewrite(s, message_edit{message_edit::kind::replace, req.line, 0, false}, ext::header_fields(s),
                 content, part_map{.shift = 0, .replaced = index, .descendants = inside.size()});
}

}  // namespace

void exec_act_replace(run_state& s, const instruction& ins) {
    s.take_prefixes();
    auto bits = ins.arg[0];
    std::string subject_buffer, from_buffer, text_buffer;
    auto text = s.text(ins.arg[3], text_buffer);
    bool mime = bits & ext::mime_bit;
    if (!ext::valid_utf8(text)) throw runtime_error{"replacement is not valid UTF-8"};
    if (mime && !mail::is_mime_entity(text))
        throw runtime_error{"replace :mime replacement is not a MIME entity"};
    request req;
    req.line = s.line();
    if (bits & ext::subject_bit) {
        req.subject = std::string(s.text(ins.arg[1], subject_buffer));
        if (!ext::valid_utf8(*req.subject)) throw runtime_error{"replace :subject is not valid UTF-8"};
    }
    if (bits & ext::from_bit) {
        req.from = std::string(s.text(ins.arg[2], from_buffer));
        if (!ext::valid_mailbox_list(*req.from))
            throw runtime_error{"replace :from \"" + *req.from + "\" is not a valid mailbox list"};
    }
    auto entity = mail::with_eol(mime ? mail::crlf(text) : mail::text_entity(text), s.eol());
    req.entity = entity;
    const auto& part = ext::current_part(s);
    if (&part == &s.current().mime())
        replace_message(s, req);
    else
        replace_part(s, part, req);
}

}  // namespace sift::vm

namespace sift::ext {
extern const descriptor replace_extension{.name = "replace", .add = register_replace};

}  // namespace sift::ext
