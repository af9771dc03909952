// RFC 5228 §5: the tests address, header, exists and size, and the
// comparator / match-type / address-part machinery they share (§2.7).
#include "compile/emitter.hpp"
#include "ext/core/core.hpp"
#include "ext/index/index.hpp"
#include "ext/mime/mime.hpp"
#include "ext/relational/relational.hpp"
#include "ext/utf8.hpp"
#include "mail/address.hpp"
#include "mail/message.hpp"
#include "validate/registry.hpp"
#include "vm/exec.hpp"

#include <boost/container/small_vector.hpp>

#include <algorithm>
#include <array>

namespace sift::ext::core {
using namespace validate;
using vm::opcode;

namespace {

// RFC 5228 §5.1: the address test is restricted to headers that hold
// addresses.
constexpr std::array address_headers{
    "from", "sender", "reply-to", "to", "cc", "bcc", "resent-from", "resent-sender", "resent-to", "resent-cc",
    "resent-bcc", "resent-reply-to", "return-path", "delivered-to", "envelope-to", "x-original-to",
    "x-envelope-to", "x-envelope-from", "errors-to", "disposition-notification-to", "mail-followup-to",
    "mail-reply-to", "approved", "original-recipient", "original-from",
    // RFC 5703 §4.2's own example tests a
    // MIME part's Content-From.
    "content-from"};

bool is_address_header(std::string_view name) {
    return std::any_of(address_headers.begin(), address_headers.end(),
                       [&](std::string_view h) { return vm::equal(h, name, vm::comparator::ascii_casemap); });
}

// header [COMPARATOR] [MATCH-TYPE] <header-names: string-list> <key-list: string-list>
void check_header(checker& c, const binding& b) {
    check_header_names(c, b.list_arg(0));
}

// address [COMPARATOR] [ADDRESS-PART] [MATCH-TYPE] <header-list: string-list> <key-list: string-list>
void check_address(checker& c, const binding& b) {
    check_header_names(c, b.list_arg(0));
    for (const auto& n : b.list_arg(0).items)
        if (!c.is_template(n.value) && valid_header_name(n.value) && !is_address_header(n.value))
            c.error(n.pos, "header '" + std::string(n.value) +
                               "' does not hold addresses: not allowed in the address test");
}

// exists <header-names: string-list>
void check_exists(checker& c, const binding& b) {
    check_header_names(c, b.list_arg(0));
}

std::uint64_t packed(const binding& b) {
    return vm::pack(b.match);
}

}  // namespace

void check_header_names(checker& c, const parse::ast::string_list& names) {
    for (const auto& n : names.items)
        // A name no header can have is suspicious but harmless: the test
        // simply never matches (Pigeonhole warns too).
        if (!c.is_template(n.value) && !valid_header_name(n.value))
            c.warning(n.pos, "invalid header name '" + std::string(n.value) + "': the test never matches");
}

const parse::ast::string_lit* tag_string(const binding& b, std::string_view name) {
    const auto* v = b.tag_value(name);
    return v ? &std::get<parse::ast::string_list>(*v).items.front() : nullptr;
}

void check_utf8_tag(checker& c, const binding& b, std::string_view tag) {
    if (const auto* s = tag_string(b, tag); s && !c.is_template(s->value) && !valid_utf8(s->value))
        c.error(s->pos, std::string(b.def->name) + " :" + std::string(tag) + " is not valid UTF-8");
}

bool valid_header_name(std::string_view name) {
    return !name.empty() && std::all_of(name.begin(), name.end(), [](char ch) {
        auto c = static_cast<unsigned char>(ch);
        return c >= 33 && c <= 126 && c != ':';
    });
}

std::optional<std::string> redirect_target(std::string_view text) {
    if (std::any_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; }))
        return std::nullopt;
    // The common case, "local@domain" in dot-atoms, is its own normal form:
    // no need for the full RFC 5322 parser (which every compile would run).
    if (auto at = text.find('@'); at != std::string_view::npos && mail::is_dot_atom(text.substr(0, at)) &&
                                  mail::is_dot_atom(text.substr(at + 1)))
        return std::string(text);
    auto list = mail::parse_address_list(text);
    if (list.size() != 1 || !list.front().valid || list.front().local_part.empty() ||
        list.front().domain.empty())
        return std::nullopt;
    return list.front().all();
}

std::string all_part(const mail::address& a) {
    // A bare local part (an SMTP "<Postmaster>" path) has no "@".
    return a.valid && a.domain.empty() ? a.local_part : a.all();
}

namespace {

// An extension's part (RFC 5233's :user and :detail) of an address with
// these parts (`valid`: they mean something).
std::optional<std::string_view> extension_part(const vm::run_state& s, bool valid,
                                               std::string_view local_part, std::string_view domain,
                                               vm::address_part part, std::string& buffer) {
    const auto* ops = s.prog().tables ? s.prog().tables->address_parts[std::size_t(part)] : nullptr;
    if (!ops)
        throw vm::runtime_error{"unknown address part " + vm::address_part_name(std::size_t(part), nullptr)};
    if (!valid || !ops->extract(local_part, domain, s.limits.recipient_delimiters, buffer))
        return std::nullopt;
    return buffer;
}

}  // namespace

std::optional<std::string_view> address_part_of(const vm::run_state& s, const mail::address& a,
                                                vm::address_part part, std::string& buffer) {
    switch (part) {
        case vm::address_part::all:
            if (a.valid && a.domain.empty()) return a.local_part;
            buffer = a.all();
            return buffer;
        case vm::address_part::localpart:
            if (!a.valid) return std::nullopt;
            return a.local_part;
        case vm::address_part::domain:
            if (!a.valid) return std::nullopt;
            return a.domain;
    }
    return extension_part(s, a.valid, a.local_part, a.domain, part, buffer);
}

namespace {

// The part of a valid address read as views (parsed_addresses' plain
// entries): local_part '@' domain lie in `text` in that order, and
// local_part is a dot-atom, so its :all ("local@domain", all_part) is a
// view of `text` as well.
std::optional<std::string_view> plain_address_part(const vm::run_state& s, std::string_view text,
                                                   std::size_t local_at, std::size_t local_size,
                                                   std::size_t domain_size, vm::address_part part,
                                                   std::string& buffer) {
    switch (part) {
        case vm::address_part::all:
            return text.substr(local_at, local_size + 1 + domain_size);
        case vm::address_part::localpart:
            return text.substr(local_at, local_size);
        case vm::address_part::domain:
            return text.substr(local_at + local_size + 1, domain_size);
    }
    return extension_part(s, true, text.substr(local_at, local_size),
                          text.substr(local_at + local_size + 1, domain_size), part, buffer);
}

}  // namespace

void register_tests(registry& r) {
    const std::vector<std::string_view> match_tags{"comparator", "match-type"};
    const std::vector<std::string_view> address_tags{"comparator", "match-type", "address-part"};
    const std::vector<arg_kind> names_and_keys{arg_kind::string_list, arg_kind::string_list};

    r.add(command_def{.name = "header",
                      .is_test = true,
                      .positional = names_and_keys,
                      .tags = match_tags,
                      .check = check_header,
                      .emit = [](compile::emitter& e, const binding& b) {
                          if (b.has_tag("mime")) return ext::emit_mime_test(e, b);  // RFC 5703 §4
                          e.emit(opcode::test_header, {std::uint64_t(b.match.cmp), packed(b),
                                                       e.list(b.list_arg(0)), e.list(b.list_arg(1))});
                      }});
    r.add(command_def{.name = "address",
                      .is_test = true,
                      .positional = names_and_keys,
                      .tags = address_tags,
                      .check = check_address,
                      .emit = [](compile::emitter& e, const binding& b) {
                          if (b.has_tag("mime")) return ext::emit_mime_test(e, b);  // RFC 5703 §4
                          e.emit(opcode::test_address,
                                 {std::uint64_t(b.part), std::uint64_t(b.match.cmp), packed(b),
                                  e.list(b.list_arg(0)), e.list(b.list_arg(1))});
                      }});
    r.add(command_def{.name = "exists",
                      .is_test = true,
                      .positional = {arg_kind::string_list},
                      .check = check_exists,
                      .emit = [](compile::emitter& e, const binding& b) {
                          if (b.has_tag("mime")) return ext::emit_mime_test(e, b);  // RFC 5703 §4
                          e.emit(opcode::test_exists, {e.list(b.list_arg(0))});
                      }});
    // size <":over" / ":under"> <limit: number>
    r.add(tag_def{"over", "size-comparison", std::nullopt, "", 1});
    r.add(tag_def{"under", "size-comparison", std::nullopt, "", 0});
    r.add(command_def{.name = "size",
                      .is_test = true,
                      .positional = {arg_kind::number},
                      .tags = {"size-comparison"},
                      .required_groups = {"size-comparison"},
                      .emit = [](compile::emitter& e, const binding& b) {
                          e.emit(opcode::test_size, {b.has_tag("over") ? 1u : 0u, b.number_arg(0)});
                      }});
}

}  // namespace sift::ext::core

namespace sift::vm {

void exec_test_header(run_state& s, const instruction& ins) {
    auto spec = s.match_spec_of(ins.arg[1], ins.arg[0]);
    auto index = ext::take_index(s);
    std::string name_buffer;
    s.flag = false;
    for (auto name : s.list(ins.arg[2])) {
        // The walk stops when the callback returns false: at the first match.
        s.flag = !ext::for_each_field(
            s, s.field_name(name, name_buffer), index, [&](const mail::header_field& field) {
                return !s.any_key(mail::message::decode(field.value, s.scratch), ins.arg[3], spec);
            });
        if (s.flag) return;
    }
    if (spec.type == ext::match_count) s.flag = ext::count_matches(s, ins.arg[3], spec);
}

namespace {

// The addresses of the header fields the run's address tests read, by the
// field's raw value: each value is unfolded and parsed once per run (the
// default policy tests From six times, over the scripts of its sequence),
// whatever test or script reads it. Kept by the text, not by where it
// lies, so that a field editheader added or a replaced message's field
// finds only its own (parsing is a function of the text alone).
struct parsed_addresses final : run_slot {
    struct mailbox {
        mail::address address;
        std::string all;  // its :all part (address_part_of)
    };
    // Room for one mailbox and one field in the slot itself (in the run's
    // slot arena): the default policy's tests read From alone, most often
    // one mailbox, and then allocate neither vector. (clang-tidy's
    // exception-escape check follows small_vector's noexcept move into an
    // allocating path it cannot take: both sides have the same inline
    // room, and a heap buffer is handed over.)
    struct entry {  // NOLINT(bugprone-exception-escape)
        raw_text raw;
        boost::container::small_vector<mailbox, 1> mailboxes;
        bool empty = false;  // the unfolded value is empty: the empty address
        // One plain mailbox on one line (mail::plain_mailbox_parts), the
        // commonest From: read as views of `raw`, by offsets (the entry
        // moves when the vector grows), and no mailbox made. The domain
        // starts just after the '@' that ends the local part.
        bool plain = false;
        std::uint32_t local_at = 0, local_size = 0, domain_size = 0;

        std::size_t count() const { return plain ? 1 : mailboxes.size(); }
    };
    // Bounded, so that a header of thousands of address fields costs no
    // more than before; past it values are parsed per test. No caller keeps
    // an entry across calls, so the vector may grow.
    static constexpr std::size_t max_entries = 32;
    boost::container::small_vector<entry, 1> entries;

    // `e.raw` holds `raw`'s text.
    static void parse(std::string_view raw, std::string& scratch, entry& e) {
        // The address parser decodes encoded words in display names itself,
        // so it gets the unfolded raw value (RFC 2047 §6.2).
        auto text = mail::message::unfold(raw, scratch);
        // A value on one line unfolds to a view of itself (trimmed).
        auto at =
            reinterpret_cast<std::uintptr_t>(text.data()) - reinterpret_cast<std::uintptr_t>(raw.data());
        std::string_view local_part, domain;
        e.plain = at <= raw.size() && at + text.size() <= raw.size() &&
                  mail::plain_mailbox_parts(text, local_part, domain);
        if (e.plain) {
            e.empty = false;
            e.mailboxes.clear();
            e.local_at = std::uint32_t(local_part.data() - raw.data());
            e.local_size = std::uint32_t(local_part.size());
            e.domain_size = std::uint32_t(domain.size());
            return;
        }
        auto list = mail::parse_address_list(text);
        e.empty = list.empty() && text.empty();
        e.mailboxes.clear();
        e.mailboxes.reserve(list.size());
        for (auto& a : list) {
            auto all = ext::core::all_part(a);
            e.mailboxes.push_back({std::move(a), std::move(all)});
        }
    }
    // The parsed value `raw`; `spare` holds it when the cache is full.
    const entry& of(std::string_view raw, std::string& scratch, entry& spare) {
        for (const auto& e : entries)
            if (e.raw == raw) return e;
        if (entries.size() >= max_entries) {
            spare.raw = raw_text(raw);
            parse(raw, scratch, spare);
            return spare;
        }
        auto& e = entries.emplace_back();
        e.raw = raw_text(raw);
        parse(raw, scratch, e);
        return e;
    }
};

}  // namespace

void exec_test_address(run_state& s, const instruction& ins) {
    auto part = static_cast<address_part>(ins.arg[0]);
    auto spec = s.match_spec_of(ins.arg[2], ins.arg[1]);
    auto index = ext::take_index(s);
    std::string buffer, name_buffer;
    auto& cache = s.slot<parsed_addresses>();
    parsed_addresses::entry spare;
    auto matches_any = [&](const mail::header_field& field) {
        const auto& parsed = cache.of(field.value, s.scratch, spare);
        // An empty header holds the empty address: :all compares "" (as
        // Pigeonhole does), :localpart and :domain find nothing.
        // RFC 5231 §4.2: :count counts addresses (the empty one too),
        // whatever the address part.
        if (spec.type == ext::match_count) {
            ext::count_values(s, parsed.empty ? 1 : parsed.count());
            return false;
        }
        if (parsed.empty) return part == address_part::all && s.any_key("", ins.arg[4], spec);
        if (parsed.plain) {
            auto value = ext::core::plain_address_part(s, parsed.raw.view(), parsed.local_at,
                                                       parsed.local_size, parsed.domain_size, part, buffer);
            return value && s.any_key(*value, ins.arg[4], spec);
        }
        for (const auto& m : parsed.mailboxes) {
            // :all is kept parsed (it is made, not a view of the address).
            if (part == address_part::all) {
                if (s.any_key(m.all, ins.arg[4], spec)) return true;
            } else if (auto value = ext::core::address_part_of(s, m.address, part, buffer);
                       value && s.any_key(*value, ins.arg[4], spec)) {
                return true;
            }
        }
        return false;
    };
    s.flag = false;
    for (auto name : s.list(ins.arg[3])) {
        s.flag = !ext::for_each_field(s, s.field_name(name, name_buffer), index,
                                      [&](const auto& field) { return !matches_any(field); });
        if (s.flag) return;
    }
    if (spec.type == ext::match_count) s.flag = ext::count_matches(s, ins.arg[4], spec);
}

void exec_test_exists(run_state& s, const instruction& ins) {
    std::string buffer;
    // True when every name has a field: the walk stops at a name's first.
    for (auto name : s.list(ins.arg[0])) {
        if (s.visit_fields(s.field_name(name, buffer), [](const mail::header_field&) { return false; })) {
            s.flag = false;
            return;
        }
    }
    s.flag = true;
}

void exec_test_size(run_state& s, const instruction& ins) {
    auto size = s.message_size();
    s.flag = ins.arg[0] ? size > ins.arg[1] : size < ins.arg[1];
}

}  // namespace sift::vm
