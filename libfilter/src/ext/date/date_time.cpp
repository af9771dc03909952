#include "ext/date/date_time.hpp"

#include "mail/header.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <ctime>

namespace sift::ext::date {
namespace {

constexpr std::array<std::string_view, 12> months{"jan", "feb", "mar", "apr", "may", "jun",
                                                  "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr std::array<std::string_view, 7> weekdays{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::array<std::string_view, 13> parts{"year",  "month",  "day",    "date", "julian",
                                                 "hour",  "minute", "second", "time", "iso8601",
                                                 "std11", "zone",   "weekday"};

// Equal under i;ascii-casemap (only A-Z fold): mail::iequals rather than
// vm::equal, as a date's words are compared with some thirty names each.
bool is_named(std::string_view a, std::string_view b) {
    return mail::iequals(a, b);
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
// days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct civil {
    std::int64_t year;
    unsigned month, day;
};

civil civil_from_days(std::int64_t z) {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    return {static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2), m, d};
}

unsigned days_in_month(std::int64_t y, unsigned m) {
    static constexpr unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

// A cursor over the date text that skips folding white space and comments.
class scanner {
public:
    explicit scanner(std::string_view s) : s_(s) {}
    void skip() {
        while (i_ < s_.size()) {
            if (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\r' || s_[i_] == '\n') {
                ++i_;
            } else if (s_[i_] == '(') {
                i_ = mail::end_of_comment(s_, i_);
            } else {
                break;
            }
        }
    }
    std::string_view word() {
        skip();
        auto start = i_;
        while (i_ < s_.size() && std::isalpha(static_cast<unsigned char>(s_[i_]))) ++i_;
        return s_.substr(start, i_ - start);
    }
    std::optional<int> number(std::size_t min_digits, std::size_t max_digits) {
        skip();
        auto start = i_;
        int v = 0;
        while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_])) && i_ - start < max_digits)
            v = v * 10 + (s_[i_++] - '0');
        if (i_ - start < min_digits) return std::nullopt;
        return v;
    }
    std::size_t digits_ahead() {
        skip();
        std::size_t n = 0;
        while (i_ + n < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_ + n]))) ++n;
        return n;
    }
    bool take(char c) {
        skip();
        if (i_ < s_.size() && s_[i_] == c) {
            ++i_;
            return true;
        }
        return false;
    }
    char peek() {
        skip();
        return i_ < s_.size() ? s_[i_] : '\0';
    }
    bool done() {
        skip();
        return i_ == s_.size();
    }

private:
    std::string_view s_;
    std::size_t i_ = 0;
};

// RFC 5322 §3.3 zone or an obsolete zone name (§4.3); unknown military
// zones mean "no information", read as +0000.
std::optional<int> zone(scanner& in) {
    char sign = in.peek();
    if (sign == '+' || sign == '-') {
        in.take(sign);
        auto hhmm = in.number(4, 4);
        if (!hhmm || *hhmm % 100 > 59) return std::nullopt;
        int minutes = (*hhmm / 100) * 60 + *hhmm % 100;
        return sign == '-' ? -minutes : minutes;
    }
    auto name = in.word();
    static constexpr std::pair<std::string_view, int> named[] = {
        {"UT", 0},        {"GMT", 0},       {"Z", 0},         {"EST", -5 * 60},
        {"EDT", -4 * 60}, {"CST", -6 * 60}, {"CDT", -5 * 60}, {"MST", -7 * 60},
        {"MDT", -6 * 60}, {"PST", -8 * 60}, {"PDT", -7 * 60}};
    for (auto [n, offset] : named)
        if (is_named(name, n)) return offset;
    if (name.size() == 1) return 0;
    if (name.empty()) return 0;  // no zone at all: as -0000
    return std::nullopt;
}

std::string two(unsigned v) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%02u", v);
    return buf;
}

std::string zone_text(int offset, bool colon) {
    char buf[16];
    int a = offset < 0 ? -offset : offset;
    std::snprintf(buf, sizeof buf, colon ? "%c%02d:%02d" : "%c%02d%02d", offset < 0 ? '-' : '+', a / 60,
                  a % 60);
    return buf;
}

}  // namespace

std::optional<date_time> parse_rfc5322(std::string_view text) {
    scanner in(text);
    // Optional day of week: a word and a comma (the comma may be missing
    // in broken mail).
    if (std::isalpha(static_cast<unsigned char>(in.peek()))) {
        auto dow = in.word();
        if (std::none_of(weekdays.begin(), weekdays.end(), [&](auto w) { return is_named(dow, w); }))
            return std::nullopt;
        in.take(',');
    }
    auto day = in.number(1, 2);
    auto month_name = in.word();
    std::size_t year_digits = in.digits_ahead();
    auto year = in.number(2, 4);
    if (!day || !year) return std::nullopt;
    unsigned month = 0;
    for (unsigned m = 0; m < months.size() && month == 0; ++m)
        if (is_named(month_name, months[m])) month = m + 1;
    if (month == 0) return std::nullopt;
    // Obsolete years (RFC 5322 §4.3): 2 digits are 1950-2049, 3 digits add 1900.
    std::int64_t y = *year;
    if (year_digits == 2) y += y < 50 ? 2000 : 1900;
    if (year_digits == 3) y += 1900;
    if (*day < 1 || unsigned(*day) > days_in_month(y, month)) return std::nullopt;
    auto hour = in.number(2, 2);
    if (!hour || !in.take(':')) return std::nullopt;
    auto minute = in.number(2, 2);
    if (!minute) return std::nullopt;
    int second = 0;
    if (in.take(':')) {
        auto s = in.number(2, 2);
        if (!s) return std::nullopt;
        second = *s;
    }
    if (*hour > 23 || *minute > 59 || second > 60) return std::nullopt;
    auto offset = zone(in);
    if (!offset || !in.done()) return std::nullopt;
    std::int64_t local = days_from_civil(y, month, unsigned(*day)) * 86400 + std::int64_t(*hour) * 3600 +
                         std::int64_t(*minute) * 60 + second;
    return date_time{local - std::int64_t(*offset) * 60, *offset};
}

std::optional<date_time> field_date(std::string_view value) {
    if (auto dt = parse_rfc5322(value)) return dt;
    auto semicolon = value.rfind(';');
    if (semicolon == std::string_view::npos) return std::nullopt;
    return parse_rfc5322(value.substr(semicolon + 1));
}

std::optional<int> parse_zone(std::string_view text) {
    if (text.size() != 5 || (text[0] != '+' && text[0] != '-')) return std::nullopt;
    for (std::size_t i = 1; i < 5; ++i)
        if (!std::isdigit(static_cast<unsigned char>(text[i]))) return std::nullopt;
    int hh = (text[1] - '0') * 10 + (text[2] - '0'), mm = (text[3] - '0') * 10 + (text[4] - '0');
    if (mm > 59) return std::nullopt;
    return (text[0] == '-' ? -1 : 1) * (hh * 60 + mm);
}

bool known_part(std::string_view part) {
    for (auto p : parts)
        if (is_named(part, p)) return true;
    return false;
}

std::optional<std::string> date_part(std::int64_t utc, int offset, std::string_view part) {
    std::int64_t local = utc + std::int64_t(offset) * 60;
    std::int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
    auto secs = static_cast<unsigned>(local - days * 86400);
    auto c = civil_from_days(days);
    // Each text made only for the part asked for (the default policy asks
    // for "julian" twice a message).
    auto year = [&] {
        char buf[16];
        std::snprintf(buf, sizeof buf, "%04lld", static_cast<long long>(c.year));
        return std::string(buf);
    };
    auto date = [&] { return year() + "-" + two(c.month) + "-" + two(c.day); };
    auto time = [&] { return two(secs / 3600) + ":" + two(secs / 60 % 60) + ":" + two(secs % 60); };
    unsigned weekday = static_cast<unsigned>(((days % 7) + 11) % 7);  // 1970-01-01 was a Thursday (4)
    auto is = [&](std::string_view p) { return is_named(part, p); };
    if (is("year")) return year();
    if (is("month")) return two(c.month);
    if (is("day")) return two(c.day);
    if (is("date")) return date();
    if (is("julian")) return std::to_string(days + 40587);  // MJD of 1970-01-01
    if (is("hour")) return two(secs / 3600);
    if (is("minute")) return two(secs / 60 % 60);
    if (is("second")) return two(secs % 60);
    if (is("time")) return time();
    if (is("iso8601")) return date() + "T" + time() + zone_text(offset, true);
    if (is("std11")) {
        // RFC 5322 §3.3 allows one or two day digits; two, as Pigeonhole
        // writes it ("Tue, 01 Jul 2008").
        std::string month_name(months[c.month - 1]);
        month_name[0] = char(std::toupper(static_cast<unsigned char>(month_name[0])));
        return std::string(weekdays[weekday]) + ", " + two(c.day) + " " + month_name + " " + year() + " " +
               time() + " " + zone_text(offset, false);
    }
    if (is("zone")) return zone_text(offset, false);
    if (is("weekday")) return std::to_string(weekday);
    return std::nullopt;
}

int local_offset(std::int64_t utc) {
    std::time_t t = static_cast<std::time_t>(utc);
    std::tm tm{};
    localtime_r(&t, &tm);
    return static_cast<int>(tm.tm_gmtoff / 60);
}

}  // namespace sift::ext::date
