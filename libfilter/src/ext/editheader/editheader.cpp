// RFC 5293: editheader.
//   addheader [":last"] <field-name: string> <value: string>
//   deleteheader [":index" <fieldno: number> [":last"]] [COMPARATOR]
//                [MATCH-TYPE] <field-name: string> [<value-patterns: string-list>]
// Edits change the header fields every later test sees (and the size), and
// are listed in the result for the frontend to apply to the delivered
// message. Received and Auto-Submitted can never be deleted, Subject can
// never be protected (§6); eval_limits names further protected fields.
// Protected edits are ignored, as in Pigeonhole. A constant value with a
// control character is a compile error; a value longer than
// eval_limits::editheader_max_header_size is a runtime error, and a
// compile error when constant (checked against the limits the script will
// run with, compile_limits::run). Non-ASCII values are stored RFC
// 2047-encoded. The Original-Subject and Original-From fields replace adds
// cannot be deleted (RFC 5703 §5). After replace or enclose the edits
// apply to the new message (vm::run_state::change_message drops the edited
// copy; the edits listed so far stay).
#include "ext/editheader/editheader.hpp"

#include "compile/emitter.hpp"
#include "ext/core/core.hpp"
#include "ext/extension.hpp"
#include "ext/index/index.hpp"
#include "ext/replace/replace.hpp"
#include "ext/utf8.hpp"
#include "mail/encode.hpp"
#include "validate/registry.hpp"
#include "vm/exec.hpp"

#include <boost/container/small_vector.hpp>

#include <algorithm>
#include <optional>
#include <unordered_map>

namespace sift::ext {
using namespace validate;

namespace {

void check_name(checker& c, const parse::ast::string_lit& name) {
    if (!c.is_template(name.value) && !core::valid_header_name(name.value))
        c.error(name.pos, "invalid header field name '" + std::string(name.value) + "'");
}

// A control character other than tab (line breaks are folding) is RFC
// 5322's obsolete obs-NO-WS-CTL, which must not be generated (§4); NUL is
// not even that.
std::optional<unsigned char> control_character(std::string_view value) {
    for (char ch : value) {
        auto c = static_cast<unsigned char>(ch);
        if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7F) return c;
    }
    return std::nullopt;
}

void check_addheader(checker& c, const binding& b) {
    check_name(c, b.list_arg(0).items.front());
    const auto& value = b.list_arg(1).items.front();
    auto limit = c.run_limits().editheader_max_header_size;
    if (!valid_utf8(value.value)) {
        c.error(value.pos, "header value is not valid UTF-8");
    } else if (auto ctl = control_character(value.value)) {
        static constexpr char hex[] = "0123456789ABCDEF";
        c.error(value.pos, *ctl == 0 ? std::string("header value contains a NUL character")
                                     : std::string("header value contains the control character 0x") +
                                           hex[*ctl >> 4] + hex[*ctl & 15]);
    } else if (value.value.size() > limit && !c.is_template(value.value)) {  // else checked at run time
        c.error(value.pos, "header value is longer than the limit of " + std::to_string(limit) + " octets");
    }
}

// :last without :index is wrong arguments: the field name is not looked at.
void check_deleteheader(checker& c, const binding& b) {
    if (b.has_tag("last") && !b.has_tag("index")) {
        c.error(b.pos, ":last requires :index");
        return;
    }
    check_name(c, b.list_arg(0).items.front());
}

// Which field of its name each field of `headers` is (1-based): RFC 5293
// §4's counting for :index, and an edit's place in the result. One pass,
// whatever the number of fields.
std::vector<unsigned> occurrences(const std::vector<mail::header_field>& headers) {
    std::vector<unsigned> out;
    out.reserve(headers.size());
    std::unordered_map<std::string, unsigned> seen;  // lower-cased name -> fields so far
    seen.reserve(headers.size());
    for (const auto& h : headers) out.push_back(++seen[mail::ascii_lower(h.name)]);
    return out;
}

// A field an edit added: where its name and value are in
// header_state::text (offsets, which stay valid when the text grows).
struct added_field {
    std::size_t name_at = 0, name_size = 0, value_at = 0, value_size = 0;
    std::uint32_t key = 0;  // mail::name_key(name)
    bool removed = false;   // deleteheader's, until the field is dropped
};

// The header as edited (the run's header view once the first edit made
// it), the octets the edits added (or removed), and the edits in order.
// The edited header is the current message's own fields (`base`) less
// those removed, after the fields added at the top (newest first) and
// before those added with :last; nothing of the message is copied. A
// name no edit touched (vm::header_view::touched, a filter of name keys)
// is looked up in the message's own index (by run_state, without calling
// visit); only the edited names walk the edits.
struct header_state final : vm::run_slot, vm::header_view {
    const mail::message* base = nullptr;  // current() at the first edit; null: not edited
    boost::container::small_vector<std::uint32_t, 8> removed;  // base fields removed (0-based)
    boost::container::small_vector<std::uint32_t, 2> locked;   // base fields replace locked (0-based)
    std::vector<added_field> front, back;                      // front: seen last to first; back: in order
    std::string text;                                          // the added fields' names and values
    std::int64_t size_delta = 0;
    std::vector<header_edit> edits;

    // Room in `text` for the added fields, and in `edits`, so that the
    // default policy's edits (four deletions, two or three additions)
    // make no reallocation.
    static constexpr std::size_t added_room = 512;
    static constexpr std::size_t edits_room = 8;

    bool made() const { return base != nullptr; }
    std::string_view name(const added_field& f) const { return {text.data() + f.name_at, f.name_size}; }
    std::string_view value(const added_field& f) const { return {text.data() + f.value_at, f.value_size}; }
    mail::header_field field(const added_field& f) const { return {name(f), value(f), f.key}; }
    bool is_removed(std::uint32_t i) const {
        return std::find(removed.begin(), removed.end(), i) != removed.end();
    }
    bool is_locked(std::uint32_t i) const {
        return std::find(locked.begin(), locked.end(), i) != locked.end();
    }
    std::uint32_t index_of(const mail::header_field& h) const {
        return std::uint32_t(&h - base->headers().data());
    }

    // The first edit: the current message's header is the base.
    void make(const vm::run_state& s) {
        base = &s.current();
        const auto& headers = base->headers();
        if (text.capacity() < added_room) text.reserve(added_room);
        if (edits.capacity() < edits_room) edits.reserve(edits_room);
        // RFC 5703 §5: a replace's Original-* fields stay.
        for (const auto& [lower, n] : locked_fields(s)) {
            unsigned seen = 0;
            for (std::size_t i = 0; i < headers.size(); ++i)
                if (mail::iequals(headers[i].name, lower) && ++seen == n) {
                    locked.push_back(std::uint32_t(i));
                    break;
                }
        }
    }
    // A field of `field_name` and `field_value` appended to `text` (not yet
    // to `front` or `back`).
    added_field append(std::string_view field_name, std::string_view field_value) {
        added_field f;
        f.name_at = text.size();
        f.name_size = field_name.size();
        text.append(field_name);
        f.value_at = text.size();
        f.value_size = field_value.size();
        text.append(field_value);
        f.key = mail::name_key(field_name);
        return f;
    }
    void reset() {
        base = nullptr;
        removed.clear();
        locked.clear();
        front.clear();
        back.clear();
        touched = 0;
        text.clear();
    }

    // Calls f(field, where) for each field named `wanted` in the edited
    // header, in order; `where` is the base field's 0-based index with
    // its occurrence among the base's fields of the name (removed ones
    // counted, as RFC 5293 §4 counts), or an added field's place in
    // `front` / `back`. False when f stopped.
    enum class from { front, base, back };
    struct place {
        from list;
        std::uint32_t at;
        unsigned occurrence;  // base fields: 1-based; added ones: 0
    };
    template <class F>
    bool walk(const mail::field_name& wanted, F&& f) const {
        for (std::size_t i = front.size(); i-- > 0;) {
            auto h = field(front[i]);
            if (mail::has_name(h, wanted) && !f(h, place{from::front, std::uint32_t(i), 0})) return false;
        }
        unsigned seen = 0;
        bool go_on = base->for_each(wanted, [&](const mail::header_field& h) {
            auto at = index_of(h);
            ++seen;
            return is_removed(at) || f(h, place{from::base, at, seen});
        });
        if (!go_on) return false;
        for (std::size_t i = 0; i < back.size(); ++i) {
            auto h = field(back[i]);
            if (mail::has_name(h, wanted) && !f(h, place{from::back, std::uint32_t(i), 0})) return false;
        }
        return true;
    }

    bool visit(mail::field_name wanted, vm::field_visitor f) const override {
        if (!may_differ(wanted)) return base->for_each(wanted, f);
        return walk(wanted, [&](const mail::header_field& h, place) { return f(h); });
    }
    std::int64_t size_change() const override { return size_delta; }

    void finish(vm::run_state&, result& r, const vm::runtime_error* failure) override {
        if (!failure) r.header_edits = std::move(edits);
    }
    // The new message has the edits in it: later ones apply to it.
    void message_replaced(vm::run_state&, const mail::message&, const mail::message&,
                          const vm::part_map&) override {
        reset();
        size_delta = 0;
    }
    void message_forgotten() override {
        reset();
        size_delta = 0;
        edits.clear();
    }
};

}  // namespace

void register_editheader(registry& r) {
    r.add(capability_def{"editheader"});
    r.add(tag_def{.name = "last", .group = "addheader position", .capability = "editheader"});
    r.add(command_def{.name = "addheader",
                      .capability = "editheader",
                      .positional = {arg_kind::string, arg_kind::string},
                      .tags = {"addheader position"},
                      .check = check_addheader,
                      .emit = [](compile::emitter& e, const binding& b) {
                          e.emit(vm::opcode::act_addheader,
                                 {b.has_tag("last") ? 1u : 0u, e.string(b.string_arg(0)),
                                  e.string(b.string_arg(1))});
                      }});
    r.add(tag_def{.name = "index",
                  .parameter = arg_kind::number,
                  .capability = "editheader",
                  .emit = [](compile::emitter& e, const binding& b) {
                      e.emit(vm::opcode::mod_index,
                             {std::get<parse::ast::number>(*b.tag_value("index")).value,
                              b.has_tag("last") ? 1u : 0u});
                  }});
    r.add(tag_def{.name = "last", .group = "deleteheader last", .capability = "editheader"});
    r.add(command_def{.name = "deleteheader",
                      .capability = "editheader",
                      .positional = {arg_kind::string, arg_kind::string_list},
                      .tags = {"index", "deleteheader last", "comparator", "match-type"},
                      .check = check_deleteheader,
                      .emit =
                          [](compile::emitter& e, const binding& b) {
                              parse::ast::string_list none;
                              const auto& patterns = b.positional.size() == 2 ? b.list_arg(1) : none;
                              e.emit(vm::opcode::act_deleteheader,
                                     {std::uint64_t(b.match.cmp), vm::pack(b.match),
                                      e.string(b.string_arg(0)), e.list(patterns)});
                          },
                      .last_optional = true});
}

}  // namespace sift::ext

namespace sift::vm {
namespace {

bool listed(const std::vector<std::string>& names, std::string_view name) {
    return std::any_of(names.begin(), names.end(), [&](const auto& n) { return mail::iequals(n, name); });
}

bool may_add(const eval_limits& l, std::string_view name) {
    return mail::iequals(name, "subject") || !listed(l.editheader_forbid_add, name);
}

bool may_delete(const eval_limits& l, std::string_view name) {
    if (mail::iequals(name, "subject")) return true;
    if (mail::iequals(name, "received") || mail::iequals(name, "auto-submitted")) return false;
    return !listed(l.editheader_forbid_delete, name);
}

// The header as edited, made on the first edit.
ext::header_state& edited(run_state& s) {
    auto& state = s.slot<ext::header_state>();
    if (!state.made()) {
        state.make(s);
        s.set_header_view(&state);
    }
    return state;
}

// A header value as stored: non-ASCII text RFC 2047-encoded (RFC 5293 §4
// leaves the encoding to the implementation).
std::string encode_value(std::string_view name, std::string_view value) {
    // Line breaks in the value (a text: string, say) become the spaces they
    // stand for: a bare one would end the header block (RFC 5293 §4).
    // Without any, the value is its own flat form (no copy).
    std::string_view text = value;
    std::string flat;
    bool after_break = false;
    if (value.find('\n') != std::string_view::npos || value.find('\r') != std::string_view::npos) {
        for (char c : value) {
            if (c == '\r') continue;
            if (c == '\n') {
                if (!flat.empty()) flat += ' ';
                after_break = true;
            } else if (!(after_break && (c == ' ' || c == '\t'))) {
                flat += c;
                after_break = false;
            }
        }
        text = flat;
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    // The space that follows the colon, then the value, in one string.
    std::string out = " ";
    mail::append_header_text(out, text, name.size() + 2);
    return out;
}

}  // namespace

void exec_act_addheader(run_state& s, const instruction& ins) {
    std::string name_buffer, value_buffer;
    auto name = s.text(ins.arg[1], name_buffer);
    auto value = s.text(ins.arg[2], value_buffer);
    if (!ext::core::valid_header_name(name))
        throw runtime_error{"invalid header field name '" + std::string(name) + "'"};
    if (!ext::valid_utf8(value)) throw runtime_error{"header value is not valid UTF-8"};
    if (value.find('\0') != std::string_view::npos)
        throw runtime_error{"header value contains a NUL character"};
    if (value.size() > s.limits.editheader_max_header_size)
        throw runtime_error{"header value longer than " +
                            std::to_string(s.limits.editheader_max_header_size) + " octets"};
    if (!may_add(s.limits, name)) return;
    auto stored = encode_value(name, value);  // folded with CRLF, the wire form header_edits carry
    auto& state = edited(s);
    // In the message itself a fold takes the message's own line ends.
    auto eol = s.eol();
    auto field = eol == "\r\n" || stored.find('\r') == std::string::npos
                     ? state.append(name, stored)
                     : state.append(name, mail::with_eol(stored, eol));
    bool last = ins.arg[0] != 0;
    (last ? state.back : state.front).push_back(field);
    state.touched |= mail::key_bit(field.key);
    state.size_delta += std::int64_t(name.size() + 1 + stored.size() + 2);  // "Name:" value CRLF
    state.edits.push_back(header_edit{header_edit::kind::add, std::string(name), std::move(stored), last, 0});
}

void exec_act_deleteheader(run_state& s, const instruction& ins) {
    auto spec = s.match_spec_of(ins.arg[1], ins.arg[0]);
    auto index = ext::take_index(s);
    std::string name_buffer;
    auto name = std::string(s.text(ins.arg[2], name_buffer));
    if (!may_delete(s.limits, name)) return;
    auto& state = edited(s);
    // The named fields in order, with where each is: all of them, or the
    // one :index selects.
    mail::field_name wanted(name);
    using place = ext::header_state::place;
    boost::container::small_vector<std::pair<mail::header_field, place>, 4> named;
    state.walk(wanted, [&](const mail::header_field& h, place at) {
        named.emplace_back(h, at);
        return true;
    });
    if (named.empty()) return;
    // RFC 5703 §5: the Original-Subject / Original-From fields replace
    // added stay, though they count for :index.
    if (index) {
        if (index->number == 0 || index->number > named.size()) return;
        auto one = named[index->last ? named.size() - index->number : index->number - 1];
        named = {one};
    }
    bool all = s.list(ins.arg[3]).empty();
    boost::container::small_vector<std::pair<mail::header_field, place>, 4> doomed;
    for (const auto& [h, at] : named) {
        bool locked = at.list == ext::header_state::from::base && state.is_locked(at.at);
        if (locked) continue;
        if (all || s.any_key(mail::message::decode(h.value, s.scratch), ins.arg[3], spec))
            doomed.emplace_back(h, at);
    }
    if (doomed.empty()) return;
    state.touched |= mail::key_bit(wanted.key);
    // Listed last to first, as they are removed.
    for (auto it = doomed.rbegin(); it != doomed.rend(); ++it) {
        const auto& [h, at] = *it;
        state.size_delta -= std::int64_t(h.name.size() + 1 + h.value.size() + 2);
        state.edits.push_back(header_edit{header_edit::kind::remove, std::string(h.name),
                                          std::string(h.value), false, at.occurrence});
        switch (at.list) {
            case ext::header_state::from::base:
                state.removed.push_back(at.at);
                break;
            case ext::header_state::from::front:
                state.front[at.at].removed = true;
                break;
            case ext::header_state::from::back:
                state.back[at.at].removed = true;
                break;
        }
    }
    auto gone = [](const ext::added_field& f) { return f.removed; };
    std::erase_if(state.front, gone);
    std::erase_if(state.back, gone);
}

}  // namespace sift::vm

namespace sift::ext {

std::vector<edited_field> header_fields(const vm::run_state& s) {
    std::vector<edited_field> out;
    const auto& headers = s.current().headers();
    auto occurrence = occurrences(headers);
    if (const auto* state = s.find_slot<header_state>(); state && state->made()) {
        out.reserve(state->front.size() + headers.size() + state->back.size());
        for (auto it = state->front.rbegin(); it != state->front.rend(); ++it)
            out.push_back({std::string(state->name(*it)), std::string(state->value(*it)), 0, false});
        for (std::uint32_t i = 0; i < headers.size(); ++i)
            if (!state->is_removed(i))
                out.push_back({std::string(headers[i].name), std::string(headers[i].value), occurrence[i],
                               state->is_locked(i)});
        for (const auto& f : state->back)
            out.push_back({std::string(state->name(f)), std::string(state->value(f)), 0, false});
        return out;
    }
    out.reserve(headers.size());
    auto locked = locked_fields(s);
    for (std::size_t i = 0; i < headers.size(); ++i) {
        const auto& h = headers[i];
        unsigned n = occurrence[i];
        bool is_locked = std::any_of(locked.begin(), locked.end(), [&](const auto& l) {
            return l.second == n && mail::iequals(l.first, h.name);
        });
        out.push_back({std::string(h.name), std::string(h.value), n, is_locked});
    }
    return out;
}

std::string assemble_message(const std::vector<edited_field>& header, std::string_view body,
                             std::string_view eol) {
    std::size_t size = body.size() + eol.size();
    for (const auto& f : header) size += f.name.size() + 1 + f.value.size() + eol.size();
    std::string out;
    out.reserve(size);
    for (const auto& f : header) {
        out += f.name;
        out += ':';
        out += f.value;
        out += eol;
    }
    out += eol;
    out += body;
    return out;
}

std::string delivered(const vm::run_state& s) {
    const auto* state = s.find_slot<header_state>();
    if (!state || !state->made()) return std::string(s.current().raw());
    return assemble_message(header_fields(s), s.current().body(), s.eol());
}

rewritten_message delivered_message(const vm::run_state& s) {
    auto data = delivered(s);
    auto body_offset = data.size() - s.current().body().size();
    return rewritten_message{std::move(data), body_offset};
}

std::size_t header_edit_count(const vm::run_state& s) {
    const auto* state = s.find_slot<header_state>();
    return state ? state->edits.size() : 0;
}

extern const descriptor editheader_extension{.name = "editheader", .add = register_editheader};

}  // namespace sift::ext
