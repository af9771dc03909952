// Dates for the date extension (RFC 5260): parsing RFC 5322 date-times
// (with the obsolete forms of §4.3) and extracting the date parts of
// RFC 5260 §4.2 in a chosen time zone.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sift::vm {
class run_state;
}
namespace sift::mail {
struct header_field;
}

namespace sift::ext::date {

struct date_time {
    std::int64_t utc = 0;  // seconds since 1970-01-01T00:00:00Z
    int offset = 0;        // minutes east of UTC, as written in the date
};

// RFC 5322 §3.3 date-time, tolerating comments, a missing day of week,
// two- and three-digit years, missing seconds and named zones (§4.3).
// nullopt when the text is not a valid date.
std::optional<date_time> parse_rfc5322(std::string_view text);

// The date of a header field's value (RFC 5260 §5): the whole value, or
// for a field such as Received what follows its last ';'.
std::optional<date_time> field_date(std::string_view value);
// The same of a header field's value RFC 2047-decoded, as the date and
// dateage tests read it: kept for the run by the field's raw value, so
// that the tests and scripts reading one Date field parse it once (a
// function of the text alone: an edited or replaced field finds only its
// own).
std::optional<date_time> field_date(vm::run_state& s, const mail::header_field& field);

// "+hhmm" / "-hhmm" (RFC 5260 :zone) to minutes east of UTC.
std::optional<int> parse_zone(std::string_view text);

// Date part `part` ("year", "month", ..., "weekday", RFC 5260 §4.2) of
// `t` seen in a zone `offset` minutes east of UTC; nullopt for an unknown
// part name (compared case-insensitively).
std::optional<std::string> date_part(std::int64_t utc, int offset, std::string_view part);

bool known_part(std::string_view part);

// The local zone's offset at `utc`, in minutes east of UTC.
int local_offset(std::int64_t utc);

}  // namespace sift::ext::date
