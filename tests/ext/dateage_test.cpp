// vnd.sift.dateage: the age of a header field's date against a frozen
// clock. The ages below are worked out by hand from the dates and the
// clock, 2026-12-02T12:00:00Z (unix time 1796212800).
#include "test_support.hpp"

#include <chrono>

// Its own namespace: a unity batch shares one translation unit (prelude, holds).
namespace sift::testing::dateage_tests {
namespace {

constexpr const char* prelude =
    "require [\"vnd.sift.dateage\", \"relational\", \"index\", \"fileinto\", "
    "\"comparator-i;ascii-numeric\"];\n";
constexpr std::int64_t now = 1796212800;  // Wed, 2 Dec 2026 12:00:00 +0000

std::string message_dated(const std::string& date, const std::string& more = "") {
    return more + "From: a@example.com\r\nDate: " + date + "\r\nSubject: x\r\n\r\nbody\r\n";
}

bool holds(const std::string& test, const std::string& msg) {
    auto s = compiled(std::string(prelude) + "if " + test + " { fileinto \"yes\"; }");
    basic_host host;
    host.freeze(std::chrono::system_clock::time_point(std::chrono::seconds(now)));
    auto r = s.run(message::from_raw(msg), default_envelope(), {.host = &host});
    EXPECT_TRUE(r.ok()) << (r.errors.empty() ? "" : r.errors.front());
    return !r.folders().empty() && *r.folders().begin() == "yes";
}

std::string age(const char* unit, const char* value, bool future = false) {
    return std::string("dateage ") + (future ? ":future " : "") + "\"date\" \"" + unit + "\" \"" + value +
           "\"";
}

TEST(dateage, whole_units_before_now) {
    // 31 days, 2 hours and 30 minutes before the clock, written at +0100.
    auto msg = message_dated("Sun, 1 Nov 2026 10:30:00 +0100");  // 09:30Z
    EXPECT_TRUE(holds(age("days", "31"), msg));
    EXPECT_TRUE(holds(age("hours", "746"), msg));       // 31 * 24 + 2
    EXPECT_TRUE(holds(age("minutes", "44790"), msg));   // 746 * 60 + 30
    EXPECT_FALSE(holds(age("days", "31", true), msg));  // not ahead of now
    EXPECT_TRUE(holds("dateage :value \"ge\" :comparator \"i;ascii-numeric\" \"date\" \"days\" \"30\"", msg));
    EXPECT_FALSE(
        holds("dateage :value \"ge\" :comparator \"i;ascii-numeric\" \"date\" \"days\" \"32\"", msg));
}

TEST(dateage, future_counts_ahead_and_rounds_down) {
    // 2 days and 23 hours 59 minutes ahead: 2 days, 71 hours.
    auto msg = message_dated("Sat, 5 Dec 2026 11:59:00 +0000");
    EXPECT_TRUE(holds(age("days", "2", true), msg));
    EXPECT_TRUE(holds(age("hours", "71", true), msg));
    EXPECT_FALSE(holds(age("days", "0"), msg));  // a date ahead has no age
    EXPECT_TRUE(holds(
        "dateage :future :value \"gt\" :comparator \"i;ascii-numeric\" \"date\" \"hours\" \"26\"", msg));
    // Now itself: 0 both ways.
    auto same = message_dated("Wed, 2 Dec 2026 13:00:00 +0100");
    EXPECT_TRUE(holds(age("minutes", "0"), same));
    EXPECT_TRUE(holds(age("minutes", "0", true), same));
}

TEST(dateage, received_index_and_missing_dates) {
    // Received: the date after the last ';'; :index 2 picks the older hop.
    auto hops = message_dated("Wed, 2 Dec 2026 11:00:00 +0000",
                              "Received: from b by c; Wed, 2 Dec 2026 11:50:00 +0000\r\n"
                              "Received: from a by b; Mon, 30 Nov 2026 12:00:00 +0000\r\n");
    EXPECT_TRUE(holds("dateage \"received\" \"minutes\" \"10\"", hops));
    EXPECT_TRUE(holds("dateage :index 2 \"received\" \"days\" \"2\"", hops));
    EXPECT_FALSE(holds("dateage :index 1 \"received\" \"days\" \"2\"", hops));
    // :count counts the fields whose date gives a value.
    EXPECT_TRUE(
        holds("dateage :count \"eq\" :comparator \"i;ascii-numeric\" \"received\" \"days\" \"2\"", hops));
    auto junk = message_dated("yesterday, around noon");
    EXPECT_FALSE(
        holds("dateage :value \"ge\" :comparator \"i;ascii-numeric\" \"date\" \"days\" \"0\"", junk));
    EXPECT_FALSE(
        holds("dateage :value \"ge\" :comparator \"i;ascii-numeric\" \"x-none\" \"days\" \"0\"", junk));
}

// The date of a field is parsed once per run and kept by the field's
// value: a Date that editheader replaced is read anew by the tests after
// the edit (date and dateage alike), a junk value stays junk, and fields
// past the bound of what is kept (16) give the same ages.
TEST(dateage, dates_kept_per_run_follow_the_edits) {
    auto msg = message_dated("Sun, 1 Nov 2026 10:30:00 +0100");  // 31 days old
    auto t = [&](const std::string& body) {
        auto s = compiled(std::string(prelude) + "require [\"editheader\", \"date\"];\n" + body);
        basic_host host;
        host.freeze(std::chrono::system_clock::time_point(std::chrono::seconds(now)));
        auto r = s.run(message::from_raw(msg), default_envelope(), {.host = &host});
        EXPECT_TRUE(r.ok()) << (r.errors.empty() ? "" : r.errors.front());
        std::string out;
        for (const auto& f : r.folders()) out += f + ";";
        return out;
    };
    EXPECT_EQ(t("if dateage \"date\" \"days\" \"31\" { fileinto \"a\"; }\n"
                "if date \"date\" \"month\" \"11\" { fileinto \"b\"; }\n"
                "deleteheader \"date\"; addheader \"Date\" \"Wed, 2 Dec 2026 10:00:00 +0000\";\n"
                "if dateage \"date\" \"hours\" \"2\" { fileinto \"c\"; }\n"
                "if date \"date\" \"month\" \"12\" { fileinto \"d\"; }\n"
                "if dateage \"date\" \"days\" \"31\" { fileinto \"never\"; }\n"
                "deleteheader \"date\"; addheader \"Date\" \"not a date\";\n"
                "if dateage :count \"eq\" :comparator \"i;ascii-numeric\" \"date\" \"days\" \"0\" "
                "{ fileinto \"e\"; }\n"),
              "a;b;c;d;e;");
    std::string hops;
    for (int i = 0; i < 20; ++i)
        hops += "Received: from h" + std::to_string(i) + " by x; " + std::to_string(10 + i) +
                " Nov 2026 12:00:00 +0000\r\n";
    auto many = message_dated("Wed, 2 Dec 2026 11:00:00 +0000", hops);
    // Twice in one run: the second reads what the first kept, and parses
    // again what did not fit.
    const std::string count =
        "dateage :count \"eq\" :comparator \"i;ascii-numeric\" \"received\" \"days\" \"20\"";
    EXPECT_TRUE(holds("allof(" + count + ", " + count + ")", many));
    EXPECT_TRUE(holds("allof(dateage :index 20 \"received\" \"days\" \"3\", " + count +
                          ", dateage :index 20 \"received\" \"days\" \"3\", "
                          "dateage :index 1 \"received\" \"days\" \"22\")",
                      many));  // 29 Nov, then 10 Nov
}

TEST(dateage, compile_errors_name_the_unit) {
    EXPECT_NE(compile_errors("require \"vnd.sift.dateage\";\nif dateage \"date\" \"weeks\" \"1\" { stop; }")
                  .find("unknown unit 'weeks'"),
              std::string::npos);
    EXPECT_NE(compile_errors("require [\"vnd.sift.dateage\", \"variables\"];\nset \"u\" \"days\";\n"
                             "if dateage \"date\" \"${u}\" \"1\" { stop; }")
                  .find("the unit of dateage is a constant"),
              std::string::npos);
    EXPECT_NE(compile_errors("if dateage \"date\" \"days\" \"1\" { stop; }")
                  .find("requires the \"vnd.sift.dateage\""),
              std::string::npos);
}

}  // namespace
}  // namespace sift::testing::dateage_tests
