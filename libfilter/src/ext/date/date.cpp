// RFC 5260: date and currentdate.
//   date [":zone" <time-zone> / ":originalzone"] [COMPARATOR] [MATCH-TYPE]
//        <header-name: string> <date-part: string> <key-list: string-list>
//   currentdate [":zone" <time-zone>] [COMPARATOR] [MATCH-TYPE]
//        <date-part: string> <key-list: string-list>
// Without a zone, dates are seen in the local time zone (§4.1). A header
// whose date does not parse has no value. For a field such as Received the
// date-time follows the last ';' (§5). currentdate reads the host's clock
// (sift::host::now), which a frontend may set to the arrival time.
#include "ext/date/date_time.hpp"
#include "ext/index/index.hpp"
#include "ext/relational/relational.hpp"

#include "compile/emitter.hpp"
#include "ext/core/core.hpp"
#include "ext/extension.hpp"
#include "mail/message.hpp"
#include "validate/registry.hpp"
#include "vm/exec.hpp"

#include <boost/container/small_vector.hpp>

#include <ctime>

namespace sift::ext {
using namespace validate;

namespace {

void check_part(checker& c, const parse::ast::string_lit& part) {
    if (!c.is_template(part.value) && !date::known_part(part.value))
        c.error(part.pos, "unknown date part '" + std::string(part.value) + "'");
}

void check_zone(checker& c, binding& b) {
    const auto* value = b.tag_value("zone");
    if (!value) return;
    const auto& zone = std::get<parse::ast::string_list>(*value).items.front();
    if (!c.is_template(zone.value) && !date::parse_zone(zone.value))
        c.error(zone.pos, "invalid time zone '" + std::string(zone.value) + "' (expected +hhmm or -hhmm)");
}

void emit_zone(compile::emitter& e, const binding& b) {
    const auto* value = b.tag_value("zone");
    std::string_view zone =
        value ? std::get<parse::ast::string_list>(*value).items.front().value : std::string_view();
    e.emit(vm::opcode::mod_zone, {value ? 0u : 1u, e.string(zone)});
}

}  // namespace

void register_date(registry& r) {
    r.add(capability_def{"date"});
    r.add(tag_def{.name = "zone",
                  .group = "zone",
                  .parameter = arg_kind::string,
                  .capability = "date",
                  .check = check_zone,
                  .emit = emit_zone});
    r.add(tag_def{.name = "originalzone", .group = "zone", .capability = "date", .emit = emit_zone});
    r.add(command_def{.name = "date",
                      .is_test = true,
                      .capability = "date",
                      .positional = {arg_kind::string, arg_kind::string, arg_kind::string_list},
                      .tags = {"zone", "comparator", "match-type"},
                      .check =
                          [](checker& c, const binding& b) {
                              core::check_header_names(c, b.list_arg(0));
                              check_part(c, b.list_arg(1).items.front());
                          },
                      .emit =
                          [](compile::emitter& e, const binding& b) {
                              e.emit(
                                  vm::opcode::test_date,
                                  {std::uint64_t(b.match.cmp), vm::pack(b.match), e.string(b.string_arg(0)),
                                   e.string(b.string_arg(1)), e.list(b.list_arg(2))});
                          }});
    r.add(tag_def{.name = "zone",
                  .group = "currentdate zone",
                  .parameter = arg_kind::string,
                  .capability = "date",
                  .check = check_zone,
                  .emit = emit_zone});
    r.add(command_def{
        .name = "currentdate",
        .is_test = true,
        .capability = "date",
        .positional = {arg_kind::string, arg_kind::string_list},
        .tags = {"currentdate zone", "comparator", "match-type"},
        .check = [](checker& c, const binding& b) { check_part(c, b.list_arg(0).items.front()); },
        .emit =
            [](compile::emitter& e, const binding& b) {
                e.emit(vm::opcode::test_currentdate, {std::uint64_t(b.match.cmp), vm::pack(b.match),
                                                      e.string(b.string_arg(0)), e.list(b.list_arg(1))});
            }});
}

}  // namespace sift::ext

namespace sift::vm {
namespace {

// The zone a date test asked for: explicit, the date's own, or local.
struct zone_choice {
    bool original = false;
    std::optional<int> explicit_offset;
    bool invalid = false;

    int offset_for(std::int64_t utc, int own) const {
        if (original) return own;
        return explicit_offset ? *explicit_offset : ext::date::local_offset(utc);
    }
};

// What :zone / :originalzone (a prefix, mod_zone) set for the next test.
struct zone_prefix final : run_slot {
    std::optional<std::string> zone;
    bool original = false;

    void drop_prefixes() override {
        zone.reset();
        original = false;
    }
};

zone_choice take_zone(run_state& s) {
    zone_choice z;
    auto* prefix = s.find_slot<zone_prefix>();
    if (!prefix) return z;
    z.original = prefix->original;
    if (prefix->zone) {
        z.explicit_offset = ext::date::parse_zone(*prefix->zone);
        z.invalid = !z.explicit_offset;
    }
    prefix->drop_prefixes();
    return z;
}

}  // namespace

void exec_mod_zone(run_state& s, const instruction& ins) {
    std::string buffer;
    auto& prefix = s.slot<zone_prefix>();
    if (ins.arg[0]) {
        prefix.original = true;
    } else {
        prefix.zone = std::string(s.text(ins.arg[1], buffer));
    }
}

namespace {

// The dates of the fields the run's date tests read, by raw value.
struct parsed_dates final : run_slot {
    struct entry {
        raw_text raw;
        std::optional<ext::date::date_time> date;
    };
    static constexpr std::size_t max_entries = 16;  // past it, parsed per test
    // The default policy's Date and one more in the slot itself (the run's
    // slot arena): no allocation.
    boost::container::small_vector<entry, 2> entries;
};

}  // namespace

}  // namespace sift::vm

namespace sift::ext::date {

std::optional<date_time> field_date(vm::run_state& s, const mail::header_field& field) {
    auto& cache = s.slot<vm::parsed_dates>();
    for (const auto& e : cache.entries)
        if (e.raw == field.value) return e.date;
    auto date = field_date(mail::message::decode(field.value, s.scratch));
    if (cache.entries.size() < vm::parsed_dates::max_entries)
        cache.entries.push_back({vm::raw_text(field.value), date});
    return date;
}

}  // namespace sift::ext::date

namespace sift::vm {

void exec_test_date(run_state& s, const instruction& ins) {
    auto spec = s.match_spec_of(ins.arg[1], ins.arg[0]);
    auto zone = take_zone(s);
    auto index = ext::take_index(s);
    std::string name_buffer, part_buffer;
    auto part = std::string(s.text(ins.arg[3], part_buffer));
    s.flag = false;
    if (!zone.invalid) {
        ext::for_each_field(s, s.text(ins.arg[2], name_buffer), index, [&](const mail::header_field& field) {
            auto dt = ext::date::field_date(s, field);
            if (!dt) return true;
            auto value = ext::date::date_part(dt->utc, zone.offset_for(dt->utc, dt->offset), part);
            s.flag = value && s.any_key(*value, ins.arg[4], spec);
            return !s.flag;
        });
    }
    if (spec.type == ext::match_count) s.flag = ext::count_matches(s, ins.arg[4], spec);
}

void exec_test_currentdate(run_state& s, const instruction& ins) {
    auto spec = s.match_spec_of(ins.arg[1], ins.arg[0]);
    auto zone = take_zone(s);
    std::int64_t now = s.now();
    std::string part_buffer;
    auto value = zone.invalid
                     ? std::nullopt
                     : ext::date::date_part(now, zone.offset_for(now, 0), s.text(ins.arg[2], part_buffer));
    s.flag = value && s.any_key(*value, ins.arg[3], spec);
    if (spec.type == ext::match_count) s.flag = ext::count_matches(s, ins.arg[3], spec);
}

}  // namespace sift::vm

namespace sift::ext {
extern const descriptor date_extension{
    .name = "date", .add = register_date, .services = needs(service::clock)};

}  // namespace sift::ext
