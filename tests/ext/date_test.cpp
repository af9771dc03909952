// RFC 5260: the date and currentdate tests. The cases are the RFC's: its
// date-part table (§4.2, here for one Date field), :zone and
// :originalzone (§4.1), the "working hours" example of §4.2, and a field
// whose date does not parse (§4: the test is false).
#include "test_support.hpp"

#include <cstdio>

// Its own namespace: a unity batch shares one translation unit (prelude, holds).
namespace sift::testing::date_tests {
namespace {

constexpr const char* prelude =
    "require [\"date\", \"relational\", \"fileinto\", \"comparator-i;ascii-numeric\"];\n";

// Tue, 1 Jul 2008 18:34:56 +0200 is 16:34:56 UTC.
std::string const message_of_july =
    "From: boss@example.com\r\nDate: Tue, 1 Jul 2008 18:34:56 +0200\r\n\r\nbody\r\n";

bool holds(const std::string& test, const std::string& msg = message_of_july) {
    return run(std::string(prelude) + "if " + test + " { fileinto \"yes\"; }", msg) == "fileinto:yes";
}

TEST(date, every_date_part_of_the_rfc_table) {
    // §4.2: year, month, day, date, julian (Modified Julian Day), hour,
    // minute, second, time, iso8601, std11, zone, weekday (0 is Sunday).
    auto part = [](const char* name, const char* value) {
        return holds(std::string("date :originalzone \"date\" \"") + name + "\" \"" + value + "\"");
    };
    EXPECT_TRUE(part("year", "2008"));
    EXPECT_TRUE(part("month", "07"));
    EXPECT_TRUE(part("day", "01"));
    EXPECT_TRUE(part("date", "2008-07-01"));
    EXPECT_TRUE(part("julian", "54648"));  // 51544 was 2000-01-01; 3104 days later
    EXPECT_TRUE(part("hour", "18"));
    EXPECT_TRUE(part("minute", "34"));
    EXPECT_TRUE(part("second", "56"));
    EXPECT_TRUE(part("time", "18:34:56"));
    EXPECT_TRUE(part("zone", "+0200"));
    EXPECT_TRUE(part("weekday", "2"));
    EXPECT_TRUE(part("iso8601", "2008-07-01T18:34:56+02:00"));
    // RFC 5322 §3.3 date-time; the day in two digits as Pigeonhole writes it.
    EXPECT_TRUE(part("std11", "Tue, 01 Jul 2008 18:34:56 +0200"));
    EXPECT_FALSE(part("year", "2009"));
}

TEST(date, zone_converts_and_originalzone_keeps) {
    // §4.1: :zone shows the date in that zone, :originalzone in the field's.
    EXPECT_TRUE(holds("date :zone \"+0000\" \"date\" \"hour\" \"16\""));
    EXPECT_TRUE(holds("date :zone \"+0000\" \"date\" \"zone\" \"+0000\""));
    EXPECT_TRUE(holds("date :zone \"-0800\" \"date\" \"time\" \"08:34:56\""));
    // Past midnight in Sydney: the next day, a Wednesday.
    EXPECT_TRUE(holds("date :zone \"+1000\" \"date\" \"date\" \"2008-07-02\""));
    EXPECT_TRUE(holds("date :zone \"+1000\" \"date\" \"weekday\" \"3\""));
    EXPECT_TRUE(holds("date :originalzone \"date\" \"hour\" \"18\""));
    // RFC 3339 §5.6: UTC may be written "Z" (Pigeonhole does) or "+00:00".
    EXPECT_TRUE(
        holds("date :zone \"+0000\" \"date\" \"iso8601\" [\"2008-07-01T16:34:56Z\", "
              "\"2008-07-01T16:34:56+00:00\"]"));
}

TEST(date, working_hours_example) {
    // §4.2's example: mail from the boss during working hours.
    std::string const test =
        "allof(header :is \"from\" \"boss@example.com\",\n"
        "      date :value \"ge\" :originalzone \"date\" \"hour\" \"09\",\n"
        "      date :value \"lt\" :originalzone \"date\" \"hour\" \"17\")";
    EXPECT_FALSE(holds(test));  // 18:34 is after hours
    EXPECT_TRUE(holds(test, "From: boss@example.com\r\nDate: Tue, 1 Jul 2008 10:00:00 +0200\r\n\r\n"));
    // With the numeric comparator, as the hours are numbers.
    EXPECT_TRUE(
        holds("date :value \"gt\" :comparator \"i;ascii-numeric\" :originalzone \"date\" \"hour\" \"9\""));
}

TEST(date, a_date_that_does_not_parse_or_is_missing_is_false) {
    std::string const junk = "Date: yesterday, around noon\r\n\r\n";
    EXPECT_FALSE(holds("date :originalzone \"date\" \"year\" \"2008\"", junk));
    EXPECT_FALSE(holds("date :value \"ge\" :originalzone \"date\" \"year\" \"0\"", junk));
    EXPECT_FALSE(holds("date :originalzone \"date\" \"year\" \"2008\"", "Subject: x\r\n\r\n"));
}

// RFC 5322 §3.3 and §4.3: day and month names in any case, each of the
// twelve months, and the obsolete zone names; a word that names no day or
// month is no date.
TEST(date, names_in_any_case_and_obsolete_zones) {
    auto date_of = [](const std::string& written) { return "Date: " + written + "\r\n\r\n"; };
    EXPECT_TRUE(holds("date :originalzone \"date\" \"date\" \"2008-07-01\"",
                      date_of("tUE, 1 jUL 2008 18:34:56 +0200")));
    const char* const months[] = {"Jan", "FEB", "mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "DEC"};
    for (int m = 0; m < 12; ++m) {
        char month[8];
        std::snprintf(month, sizeof month, "%02d", m + 1);
        EXPECT_TRUE(holds(std::string("date :originalzone \"date\" \"month\" \"") + month + "\"",
                          date_of(std::string("1 ") + months[m] + " 2008 10:00:00 +0000")))
            << months[m];
    }
    EXPECT_TRUE(
        holds("date :originalzone \"date\" \"zone\" \"-0700\"", date_of("Tue, 1 Jul 2008 10:00:00 pdt")));
    EXPECT_TRUE(
        holds("date :originalzone \"date\" \"zone\" \"-0500\"", date_of("Tue, 1 Jul 2008 10:00:00 EST")));
    EXPECT_TRUE(
        holds("date :originalzone \"date\" \"zone\" \"+0000\"", date_of("Tue, 1 Jul 2008 10:00:00 gmt")));
    EXPECT_FALSE(
        holds("date :originalzone \"date\" \"year\" \"2008\"", date_of("Tus, 1 Jul 2008 10:00:00 +0000")));
    EXPECT_FALSE(
        holds("date :originalzone \"date\" \"year\" \"2008\"", date_of("Tue, 1 Jly 2008 10:00:00 +0000")));
    EXPECT_FALSE(
        holds("date :originalzone \"date\" \"year\" \"2008\"", date_of("Tue, 1 July 2008 10:00:00 +0000")));
}

TEST(date, currentdate_reads_the_clock) {
    // Any run of this test is after the RFC was published (2008).
    EXPECT_TRUE(
        holds("currentdate :zone \"+0000\" :value \"ge\" :comparator \"i;ascii-numeric\" \"year\" \"2008\""));
    EXPECT_TRUE(holds("currentdate :zone \"+0000\" \"zone\" \"+0000\""));
}

TEST(date, compile_errors_name_the_part_and_the_zone) {
    EXPECT_NE(compile_errors("require \"date\";\nif date \"date\" \"fortnight\" \"1\" { stop; }")
                  .find("unknown date part 'fortnight'"),
              std::string::npos);
    EXPECT_NE(compile_errors("require \"date\";\nif date :zone \"CET\" \"date\" \"year\" \"1\" { stop; }")
                  .find("invalid time zone 'CET'"),
              std::string::npos);
    EXPECT_NE(compile_errors("if date \"date\" \"year\" \"2008\" { stop; }").find("requires the \"date\""),
              std::string::npos);
}

}  // namespace
}  // namespace sift::testing::date_tests
