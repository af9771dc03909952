// RFC 5703 §6: enclose.
//   enclose [":subject" string] [":headers" string-list] <text: string>
// The current message (with every change made so far) becomes the
// message/rfc822 second part of a new multipart/mixed message whose first
// part is `text` as text/plain UTF-8. The new header: the fields named in
// :headers copied from the old message, in its order (but Content-* and
// MIME-Version, which the new structure sets); Subject from :subject
// (RFC 2047-encoded when not ASCII), else the old Subject; Date (the
// host's now, sift::host::now) and From (the envelope recipient: the user the
// script runs for) synthesized unless :headers copied them; MIME-Version
// and Content-Type. Each enclose wraps again; later tests, editheader,
// replace, keep and fileinto see the new message, a redirect sends the
// message as the first enclose found it (ext::rewrite, ext/replace). Compile time:
// constant :headers entries must be field names, constant text and
// :subject UTF-8; values from variables are checked when it runs.
#include "compile/emitter.hpp"
#include "ext/core/core.hpp"
#include "ext/extension.hpp"
#include "ext/replace/replace.hpp"
#include "ext/utf8.hpp"
#include "mail/encode.hpp"
#include "mail/message.hpp"
#include "validate/registry.hpp"
#include "vm/exec.hpp"

#include <algorithm>
#include <ctime>

namespace sift::ext {
using namespace validate;

namespace {

enum option_bit : std::uint64_t { subject_bit = vm::flag(vm::opcode::act_enclose, "subject") };

void check_enclose(checker& c, const binding& b) {
    const auto& text = b.list_arg(0).items.front();
    if (!c.is_template(text.value) && !valid_utf8(text.value))
        c.error(text.pos, "enclose text is not valid UTF-8");
    if (const auto* subject = core::tag_string(b, "subject");
        subject && !c.is_template(subject->value) && !valid_utf8(subject->value))
        c.error(subject->pos, "enclose :subject is not valid UTF-8");
    if (const auto* v = b.tag_value("headers"))
        for (const auto& name : std::get<parse::ast::string_list>(*v).items)
            if (!c.is_template(name.value) && !core::valid_header_name(name.value))
                c.error(name.pos, "invalid header field name '" + std::string(name.value) + "'");
}

void emit_enclose(compile::emitter& e, const binding& b) {
    std::uint64_t bits = 0;
    std::string_view subject;
    if (const auto* s = core::tag_string(b, "subject")) {
        bits |= subject_bit;
        subject = s->value;
    }
    const auto* headers = b.tag_value("headers");
    auto list = e.list(headers ? std::get<parse::ast::string_list>(*headers) : parse::ast::string_list{});
    e.emit(vm::opcode::act_enclose, {bits, e.string(subject), list, e.string(b.string_arg(0))});
}

}  // namespace

void register_enclose(registry& r) {
    r.add(capability_def{"enclose"});
    r.add(tag_def{.name = "subject", .parameter = arg_kind::string, .capability = "enclose"});
    r.add(tag_def{.name = "headers", .parameter = arg_kind::string_list, .capability = "enclose"});
    r.add(command_def{.name = "enclose",
                      .capability = "enclose",
                      .positional = {arg_kind::string},
                      .tags = {"subject", "headers"},
                      .check = check_enclose,
                      .emit = emit_enclose});
}

}  // namespace sift::ext

namespace sift::vm {
namespace {

using field = ext::edited_field;

bool listed(const std::vector<std::string>& names, std::string_view name) {
    return std::any_of(names.begin(), names.end(), [&](const auto& n) { return mail::iequals(n, name); });
}

// A boundary that occurs in neither part (RFC 2046 §5.1.1), derived from
// the content so the same input gives the same message.
std::string boundary_for(std::string_view text, std::string_view enclosed) {
    auto hash = std::hash<std::string_view>{}(enclosed) ^ (std::hash<std::string_view>{}(text) << 1);
    static constexpr char hex[] = "0123456789abcdef";
    std::string base = "sift-enclose-";
    for (int i = 60; i >= 0; i -= 4) base += hex[(hash >> i) & 15];
    for (unsigned n = 0;; ++n) {
        auto b = n == 0 ? base : base + "." + std::to_string(n);
        if (text.find(b) == std::string_view::npos && enclosed.find(b) == std::string_view::npos) return b;
    }
}

// RFC 2046 §5.2.1: message/rfc822 is 7bit, 8bit or binary.
std::string_view identity_encoding(std::string_view message) {
    bool eight_bit = false;
    std::size_t line = 0;
    for (char c : message) {
        if (c == '\0') return "binary";
        if (c == '\n') {
            line = 0;
            continue;
        }
        if (++line > 998) return "binary";
        eight_bit |= static_cast<unsigned char>(c) >= 0x80;
    }
    return eight_bit ? "8bit" : "7bit";
}

std::vector<field> new_header(run_state& s, const std::vector<std::string>& copied,
                              const std::optional<std::string>& subject, const std::string& boundary) {
    auto eol = std::string(s.eol());
    auto const fields = ext::header_fields(s);  // a copy: taken once
    std::vector<field> kept, header;
    for (const auto& f : fields)
        if (listed(copied, f.name) && !ext::mime_structure_field(f.name) &&
            !(subject && mail::iequals(f.name, "subject")))
            kept.push_back({f.name, f.value});
    auto has = [&](std::string_view name) {
        return std::any_of(kept.begin(), kept.end(),
                           [&](const field& f) { return mail::iequals(f.name, name); });
    };
    if (!has("date")) {
        header.push_back({"Date", " " + mail::rfc5322_date(s.now())});
    }
    if (!has("from")) {
        // The user the script runs for; without one, the old From.
        if (auto user = mail::parse_path(s.env.to); user && user->valid)
            header.push_back({"From", " <" + user->all() + ">"});
        else
            for (const auto& f : fields)
                if (mail::iequals(f.name, "from")) header.push_back({f.name, f.value});
    }
    header.insert(header.end(), kept.begin(), kept.end());
    if (subject)
        header.push_back(
            {"Subject", " " + mail::with_eol(mail::header_text(mail::one_line(*subject), 9), eol)});
    else if (!has("subject"))
        for (const auto& f : fields)
            if (mail::iequals(f.name, "subject")) header.push_back({f.name, f.value});
    header.push_back({"MIME-Version", " 1.0"});
    header.push_back({"Content-Type", " multipart/mixed; boundary=\"" + boundary + "\""});
    return header;
}

}  // namespace

void exec_act_enclose(run_state& s, const instruction& ins) {
    s.take_prefixes();
    std::string subject_buffer, text_buffer, name_buffer;
    auto text = s.text(ins.arg[3], text_buffer);
    if (!ext::valid_utf8(text)) throw runtime_error{"enclose text is not valid UTF-8"};
    std::optional<std::string> subject;
    if (ins.arg[0] & ext::subject_bit) {
        subject = std::string(s.text(ins.arg[1], subject_buffer));
        if (!ext::valid_utf8(*subject)) throw runtime_error{"enclose :subject is not valid UTF-8"};
    }
    std::vector<std::string> copied;
    for (auto id : s.list(ins.arg[2])) {
        auto name = s.text(id, name_buffer);
        if (!ext::core::valid_header_name(name))
            throw runtime_error{"invalid header field name '" + std::string(name) + "'"};
        copied.emplace_back(name);
    }
    auto eol = std::string(s.eol());
    auto enclosed = ext::delivered(s);
    auto first = mail::with_eol(mail::text_entity(text), eol);
    auto boundary = boundary_for(first, enclosed);
    auto encoding = identity_encoding(enclosed);
    std::string body;
    body.reserve(enclosed.size() + first.size() + 4 * boundary.size() + 128);
    body += "--" + boundary + eol + first + eol;
    body += "--" + boundary + eol + "Content-Type: message/rfc822" + eol;
    if (encoding != "7bit") body += "Content-Transfer-Encoding: " + std::string(encoding) + eol;
    body += eol + enclosed + eol;
    body += "--" + boundary + "--" + eol;
    auto header = new_header(s, copied, subject, boundary);
    // The new root, the text part and the message/rfc822 part come first.
    ext::rewrite(s, message_edit{message_edit::kind::enclose, s.line(), 0, true}, header, body,
                 part_map{.shift = 3, .replaced = std::nullopt, .descendants = 0});
}

}  // namespace sift::vm

namespace sift::ext {
extern const descriptor enclose_extension{
    .name = "enclose", .add = register_enclose, .services = needs(service::clock)};

}  // namespace sift::ext
