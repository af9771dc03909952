// RFC 5703 §4: the "mime" capability. header, address and exists take
//   :mime      look at the headers of the current MIME part (the one the
//              innermost foreverypart is at; the message outside a loop)
//   :anychild  ... and of every part inside it (needs :mime)
// and header also one option (needs :mime), applied to Content-Type or,
// for a field named Content-Disposition, to that:
//   :type  :subtype  :contenttype ("type/subtype")  :param <names>
// Content-Disposition has a type ("inline") and no subtype (""). A field
// whose value is not a content type gives no value for the option.
#include "ext/mime/mime.hpp"
#include "ext/relational/relational.hpp"

#include "compile/emitter.hpp"
#include "ext/core/core.hpp"
#include "ext/extension.hpp"
#include "ext/mime/content_state.hpp"
#include "mail/message.hpp"
#include "validate/registry.hpp"
#include "vm/exec.hpp"

#include <algorithm>
#include <span>

namespace sift::ext {
using namespace validate;

namespace {

enum select_bits : std::uint64_t {
    anychild = vm::flag(vm::opcode::mime_select, "anychild"),
    opt_type = vm::flag(vm::opcode::mime_select, "type"),
    opt_subtype = vm::flag(vm::opcode::mime_select, "subtype"),
    opt_contenttype = vm::flag(vm::opcode::mime_select, "contenttype"),
    opt_param = vm::flag(vm::opcode::mime_select, "param"),
    option_mask = opt_type | opt_subtype | opt_contenttype | opt_param
};

void needs_mime(checker& c, binding& b) {
    if (!b.has_tag("mime"))
        c.error(b.pos,
                "'" + std::string(b.def->name) + "': :anychild and the content-type options need :mime");
}

}  // namespace

void emit_mime_test(compile::emitter& e, const binding& b) {
    std::uint64_t select = b.has_tag("anychild") ? std::uint64_t(anychild) : 0;
    // At most one of the options (they share a tag group).
    for (auto [tag, bit] : {std::pair{"type", opt_type},
                            {"subtype", opt_subtype},
                            {"contenttype", opt_contenttype},
                            {"param", opt_param}})
        if (b.has_tag(tag)) select |= std::uint64_t(bit);
    parse::ast::string_list none;
    const auto* params = b.tag_value("param");
    e.emit(vm::opcode::mime_select,
           {select, e.list(params ? std::get<parse::ast::string_list>(*params) : none)});
    auto packed = vm::pack(b.match);
    if (b.def->name == "header")
        e.emit(vm::opcode::test_mime_header,
               {std::uint64_t(b.match.cmp), packed, e.list(b.list_arg(0)), e.list(b.list_arg(1))});
    else if (b.def->name == "address")
        e.emit(vm::opcode::test_mime_address, {std::uint64_t(b.part), std::uint64_t(b.match.cmp), packed,
                                               e.list(b.list_arg(0)), e.list(b.list_arg(1))});
    else
        e.emit(vm::opcode::test_mime_exists, {e.list(b.list_arg(0))});
}

void register_mime(registry& r) {
    r.add(capability_def{"mime"});
    r.add(tag_def{.name = "mime", .capability = "mime"});
    r.add(tag_def{.name = "anychild", .capability = "mime", .check = needs_mime});
    for (auto option : {"type", "subtype", "contenttype"})
        r.add(tag_def{.name = option, .group = "mime-option", .capability = "mime", .check = needs_mime});
    r.add(tag_def{.name = "param",
                  .group = "mime-option",
                  .parameter = arg_kind::string_list,
                  .capability = "mime",
                  .check = needs_mime});
    for (auto test : {"header", "address", "exists"}) {
        r.allow_tag(test, "mime", "mime");
        r.allow_tag(test, "anychild", "mime");
    }
    r.allow_tag("header", "mime-option", "mime");
}

}  // namespace sift::ext

namespace sift::vm {
namespace {

// The parts a :mime test reads, and the options, taken from mime_select.
// Without :anychild (most :mime tests) the part is the current one alone,
// kept without the vector's allocation; :anychild of the whole message
// (outside foreverypart) reads the run's list of its parts (message_parts).
struct selection {
    const mail::mime_part* alone = nullptr;
    std::span<const mail::mime_part* const> every;      // :anychild of the message
    std::vector<const mail::mime_part*> with_children;  // :anychild of another part
    std::uint64_t option = 0;
    std::uint64_t params = 0;

    std::span<const mail::mime_part* const> parts() const {
        if (alone) return {&alone, 1};
        if (!every.empty()) return every;
        return with_children;
    }
};

selection take_selection(run_state& s) {
    auto& c = ext::content(s);
    selection sel;
    sel.option = c.select & ext::option_mask;
    sel.params = c.select_params;
    const auto& current = ext::current_part(s);
    if (c.select & ext::anychild) {
        if (&current == &s.current().mime())
            sel.every = ext::message_parts(s);
        else
            ext::collect_parts(current, true, sel.with_children);
    } else
        sel.alone = &current;
    c.select = 0;
    return sel;
}

// Calls f(value) for each value the option gives for `field` of `part`;
// stops when f returns true, and returns whether one did. The part's first
// Content-Type and Content-Disposition fields were parsed with the part
// (mime_part::typed, disposition): their values are read from there,
// other fields are parsed here. `first`: `field` is the part's first of
// its name (what part.header(name) finds), which the caller knows from
// its walk over the fields.
template <class F>
bool option_values(run_state& s, const selection& sel, const mail::mime_part& part,
                   const mail::header_field& field, bool first, F&& f) {
    static constexpr mail::field_name content_disposition("content-disposition"),
        content_type("content-type");
    std::string scratch;
    std::string_view type, subtype;
    const mail::mime_params* params = nullptr;
    mail::content_type parsed_type;
    mail::content_disposition parsed_disposition;
    if (mail::has_name(field, content_disposition)) {
        if (first) {
            type = part.disposition;
            params = &part.disposition_params;
        } else {
            parsed_disposition = mail::parse_content_disposition(mail::unfold(field.value, scratch));
            type = parsed_disposition.type;
            params = &parsed_disposition.params;
        }
    } else if (first && mail::has_name(field, content_type)) {
        if (!part.typed) return false;  // the part's type is a default, not this field's
        type = part.type;
        subtype = part.subtype;
        params = &part.params;
    } else {
        parsed_type = mail::parse_content_type(mail::unfold(field.value, scratch));
        type = parsed_type.type;
        subtype = parsed_type.subtype;
        params = &parsed_type.params;
    }
    if (type.empty()) return false;
    switch (sel.option) {
        case ext::opt_type:
            return f(type);
        case ext::opt_subtype:
            return f(subtype);
        case ext::opt_contenttype:
            return f(subtype.empty() ? std::string(type) : std::string(type) + "/" + std::string(subtype));
        default:
            break;
    }
    std::string buffer;
    for (auto name : s.list(sel.params))
        if (const auto* p = mail::find_param(*params, s.text(name, buffer));
            p && f(std::string_view(p->value)))
            return true;
    return false;
}

}  // namespace

void exec_mime_select(run_state& s, const instruction& ins) {
    auto& c = ext::content(s);
    c.select = ins.arg[0];
    c.select_params = ins.arg[1];
}

void exec_test_mime_header(run_state& s, const instruction& ins) {
    auto spec = s.match_spec_of(ins.arg[1], ins.arg[0]);
    auto sel = take_selection(s);
    auto test = [&](std::string_view v) { return s.any_key(v, ins.arg[3], spec); };
    std::string name_buffer, scratch;
    s.flag = false;
    for (const auto* part : sel.parts())
        for (auto name : s.list(ins.arg[2])) {
            mail::field_name wanted(s.text(name, name_buffer));
            bool first = true;
            for (const auto& field : part->headers) {
                if (!mail::has_name(field, wanted)) continue;
                bool hit = sel.option ? option_values(s, sel, *part, field, first, test)
                                      : test(mail::decode_header(field.value, scratch));
                first = false;
                if (hit) {
                    s.flag = true;
                    return;
                }
            }
        }
    if (spec.type == ext::match_count) s.flag = ext::count_matches(s, ins.arg[3], spec);
}

void exec_test_mime_address(run_state& s, const instruction& ins) {
    auto part_wanted = static_cast<address_part>(ins.arg[0]);
    auto spec = s.match_spec_of(ins.arg[2], ins.arg[1]);
    auto sel = take_selection(s);
    std::string name_buffer, scratch, buffer;
    s.flag = false;
    for (const auto* part : sel.parts())
        for (auto name : s.list(ins.arg[3])) {
            mail::field_name wanted(s.text(name, name_buffer));
            for (const auto& field : part->headers) {
                if (!mail::has_name(field, wanted)) continue;
                auto text = mail::unfold(field.value, scratch);
                auto addresses = mail::parse_address_list(text);
                if (spec.type == ext::match_count) {
                    ext::count_values(s, addresses.size());
                    continue;
                }
                for (const auto& a : addresses)
                    if (auto value = ext::core::address_part_of(s, a, part_wanted, buffer);
                        value && s.any_key(*value, ins.arg[4], spec)) {
                        s.flag = true;
                        return;
                    }
            }
        }
    if (spec.type == ext::match_count) s.flag = ext::count_matches(s, ins.arg[4], spec);
}

// With :anychild, true when each field is in one of the parts (as
// Pigeonhole's exists.svtest has it).
void exec_test_mime_exists(run_state& s, const instruction& ins) {
    auto sel = take_selection(s);
    std::string buffer;
    const auto& names = s.list(ins.arg[0]);
    s.flag = std::all_of(names.begin(), names.end(), [&](auto name) {
        auto wanted = s.text(name, buffer);
        auto parts = sel.parts();
        return std::any_of(parts.begin(), parts.end(),
                           [&](const mail::mime_part* p) { return p->header(wanted) != nullptr; });
    });
}

}  // namespace sift::vm

namespace sift::ext {
extern const descriptor mime_extension{.name = "mime", .add = register_mime};

}  // namespace sift::ext
