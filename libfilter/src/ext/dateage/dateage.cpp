// vnd.sift.dateage, Sift's own extension (docs/EXTENSIONS.md
// "vnd.sift.dateage"): the age of a date in a header field, which Sieve
// cannot work out (RFC 5260 compares date parts, and there is no
// arithmetic on variables).
//
//   dateage [":future"] [COMPARATOR] [MATCH-TYPE]
//           <header-name: string> <unit: string> <key-list: string-list>
//
// The value is a whole number: how many `unit`s ("minutes", "hours" or
// "days") the field's date lies before the host's now (sift::host::now,
// the arrival time a frontend sets), rounded down; with :future, how many
// lie after it. A date on the other side of now, a field whose date does
// not parse and a missing field have no value: the test is false (a
// :count counts only the values there are). The date is read as the date
// test reads it (RFC 5260 §5: for Received, what follows the last ';'),
// and :index / :last pick a field as for date. Compare with :value and
// "i;ascii-numeric":
//
//   if dateage :value "ge" :comparator "i;ascii-numeric" "date" "days" "30"
//   if dateage :future :value "gt" :comparator "i;ascii-numeric" "date" "hours" "26"
#include "ext/date/date_time.hpp"
#include "ext/index/index.hpp"
#include "ext/relational/relational.hpp"

#include "compile/emitter.hpp"
#include "ext/core/core.hpp"
#include "ext/extension.hpp"
#include "mail/message.hpp"
#include "validate/registry.hpp"
#include "vm/exec.hpp"

#include <array>
#include <string>
#include <string_view>

namespace sift::ext {
using namespace validate;

namespace {

enum : std::uint64_t {
    future = vm::flag(vm::opcode::test_dateage, "future"),
    in_minutes = vm::flag(vm::opcode::test_dateage, "minutes"),
    in_hours = vm::flag(vm::opcode::test_dateage, "hours"),
    in_days = vm::flag(vm::opcode::test_dateage, "days"),
};

struct unit_def {
    std::string_view name;
    std::uint64_t flag;
    std::int64_t seconds;
};
constexpr std::array<unit_def, 3> units{
    {{"minutes", in_minutes, 60}, {"hours", in_hours, 3600}, {"days", in_days, 86400}}};

const unit_def* find_unit(std::string_view name) {
    for (const auto& u : units)
        if (u.name == name) return &u;
    return nullptr;
}

}  // namespace

void register_dateage(registry& r) {
    r.add(capability_def{"vnd.sift.dateage"});
    r.add(tag_def{.name = "future", .capability = "vnd.sift.dateage"});
    r.add(command_def{
        .name = "dateage",
        .is_test = true,
        .capability = "vnd.sift.dateage",
        .positional = {arg_kind::string, arg_kind::string, arg_kind::string_list},
        .tags = {"future", "comparator", "match-type"},
        .check =
            [](checker& c, const binding& b) {
                core::check_header_names(c, b.list_arg(0));
                // The unit is a constant: it chooses the opcode's flags.
                const auto& unit = b.list_arg(1).items.front();
                if (c.is_template(unit.value))
                    c.error(unit.pos,
                            "the unit of dateage is a constant (\"minutes\", \"hours\" or \"days\")");
                else if (!find_unit(unit.value))
                    c.error(unit.pos, "unknown unit '" + std::string(unit.value) +
                                          "' (expected \"minutes\", \"hours\" or \"days\")");
            },
        .emit =
            [](compile::emitter& e, const binding& b) {
                const auto* unit = find_unit(b.string_arg(1));
                std::uint64_t how = (unit ? unit->flag : std::uint64_t(in_days)) |
                                    (b.has_tag("future") ? std::uint64_t(future) : 0);
                e.emit(vm::opcode::test_dateage, {how, std::uint64_t(b.match.cmp), vm::pack(b.match),
                                                  e.string(b.string_arg(0)), e.list(b.list_arg(2))});
            }});
    r.allow_tag("dateage", "index", "index");
    r.allow_tag("dateage", "last", "index");
}

}  // namespace sift::ext

namespace sift::vm {

void exec_test_dateage(run_state& s, const instruction& ins) {
    using namespace ext;
    const std::uint64_t how = ins.arg[0];
    std::int64_t unit = 86400;
    for (const auto& u : units)
        if ((how & ~future) == u.flag) unit = u.seconds;
    const bool ahead = how & future;
    auto spec = s.match_spec_of(ins.arg[2], ins.arg[1]);
    auto index = take_index(s);
    const std::int64_t now = s.now();
    std::string name_buffer;
    s.flag = false;
    for_each_field(s, s.text(ins.arg[3], name_buffer), index, [&](const mail::header_field& field) {
        auto dt = date::field_date(s, field);
        if (!dt) return true;
        std::int64_t distance = ahead ? dt->utc - now : now - dt->utc;
        if (distance < 0) return true;  // on the other side of now: no value
        s.flag = s.any_key(std::to_string(distance / unit), ins.arg[4], spec);
        return !s.flag;
    });
    if (spec.type == match_count) s.flag = count_matches(s, ins.arg[4], spec);
}

}  // namespace sift::vm

namespace sift::ext {
extern const descriptor dateage_extension{
    .name = "dateage", .add = register_dateage, .services = needs(service::clock)};

}  // namespace sift::ext
