// duplicate (RFC 7352): seen before within the period, per handle and
// tracked value; recorded only by runs that complete.
#include "state_test_support.hpp"

namespace sift::testing {
namespace {

using namespace std::chrono_literals;

const envelope env{"bob@example.org", "anna@example.net", {}, {}};

std::string msg(std::string id = "<m1@example.org>", std::string extra = "") {
    return "From: bob@example.org\r\nTo: anna@example.net\r\nSubject: x\r\n" +
           (id.empty() ? "" : "Message-ID: " + id + "\r\n") + extra + "\r\nbody\r\n";
}

constexpr std::string_view dup = "require [\"duplicate\", \"fileinto\"]; if duplicate { fileinto \"Dup\"; }";

struct duplicate : state_fixture {
    std::string run(std::string_view source, std::string raw, envelope e = env) {
        return summary(run_with(source, std::move(raw), e));
    }
};

TEST_F(duplicate, second_delivery_is_a_duplicate) {
    EXPECT_EQ(run(dup, msg()), "keep*");
    EXPECT_EQ(run(dup, msg()), "fileinto:Dup");
    EXPECT_EQ(run(dup, msg("<m2@example.org>")), "keep*");
    // Per recipient.
    EXPECT_EQ(run(dup, msg(), envelope{"bob@example.org", "carol@example.net", {}, {}}), "keep*");
}

TEST_F(duplicate, ids_seen_earlier_in_the_same_run_do_not_count) {
    auto twice =
        "require [\"duplicate\", \"fileinto\"]; if duplicate { fileinto \"A\"; } if duplicate { fileinto "
        "\"B\"; }";
    EXPECT_EQ(run(twice, msg()), "keep*");
    EXPECT_EQ(run(twice, msg()), "fileinto:A; fileinto:B");
}

TEST_F(duplicate, missing_message_id_is_never_a_duplicate) {
    EXPECT_EQ(run(dup, msg("")), "keep*");
    EXPECT_EQ(run(dup, msg("")), "keep*");
}

TEST_F(duplicate, header_uniqueid_and_handle) {
    auto by_header =
        "require [\"duplicate\", \"fileinto\"]; if duplicate :header \"X-Id\" { fileinto \"Dup\"; }";
    EXPECT_EQ(run(by_header, msg("<a@x>", "X-Id: 42\r\n")), "keep*");
    EXPECT_EQ(run(by_header, msg("<b@x>", "X-Id: 42\r\n")), "fileinto:Dup");
    EXPECT_EQ(run(by_header, msg("<c@x>")), "keep*");  // no such header
    auto by_id =
        "require [\"duplicate\", \"fileinto\", \"variables\"]; set \"u\" \"frop\";"
        "if duplicate :uniqueid \"${u}\" { fileinto \"Dup\"; }";
    EXPECT_EQ(run(by_id, msg("<d@x>")), "keep*");
    EXPECT_EQ(run(by_id, msg("<e@x>")), "fileinto:Dup");
    // Handles track separately.
    auto h1 = "require [\"duplicate\", \"fileinto\"]; if duplicate :handle \"one\" { fileinto \"Dup\"; }";
    auto h2 = "require [\"duplicate\", \"fileinto\"]; if duplicate :handle \"two\" { fileinto \"Dup\"; }";
    EXPECT_EQ(run(h1, msg("<f@x>")), "keep*");
    EXPECT_EQ(run(h2, msg("<f@x>")), "keep*");
    EXPECT_EQ(run(h1, msg("<f@x>")), "fileinto:Dup");
}

TEST_F(duplicate, seconds_and_last) {
    auto plain = "require [\"duplicate\", \"fileinto\"]; if duplicate :seconds 100 { fileinto \"Dup\"; }";
    EXPECT_EQ(run(plain, msg()), "keep*");
    host.advance(60s);
    EXPECT_EQ(run(plain, msg()), "fileinto:Dup");
    host.advance(40s);
    EXPECT_EQ(run(plain, msg()), "keep*");  // expired: counted from the first copy

    auto last =
        "require [\"duplicate\", \"fileinto\"]; if duplicate :seconds 100 :last { fileinto \"Dup\"; }";
    EXPECT_EQ(run(last, msg("<l@x>")), "keep*");
    host.advance(60s);
    EXPECT_EQ(run(last, msg("<l@x>")), "fileinto:Dup");
    host.advance(60s);
    EXPECT_EQ(run(last, msg("<l@x>")), "fileinto:Dup");  // refreshed by the previous copy
    host.advance(101s);
    EXPECT_EQ(run(last, msg("<l@x>")), "keep*");

    // The default period (12 h) and the cap (2 days).
    EXPECT_EQ(run(dup, msg("<p@x>")), "keep*");
    host.advance(12h - 1s);
    EXPECT_EQ(run(dup, msg("<p@x>")), "fileinto:Dup");
    auto long_period =
        "require [\"duplicate\", \"fileinto\"]; if duplicate :seconds 999999 { fileinto \"Dup\"; }";
    EXPECT_EQ(run(long_period, msg("<q@x>")), "keep*");
    host.advance(48h);
    EXPECT_EQ(run(long_period, msg("<q@x>")), "keep*");
}

TEST_F(duplicate, failed_runs_record_nothing) {
    auto failing = "require [\"duplicate\", \"ihave\"]; if duplicate { } error \"boom\";";
    auto r = run_with(failing, msg(), env);
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(run(dup, msg()), "keep*");  // not recorded by the failed run
    EXPECT_EQ(run(dup, msg()), "fileinto:Dup");
}

TEST_F(duplicate, store_missing_or_failing_is_a_runtime_error_and_keep) {
    host.set_state(nullptr);
    auto r = run_with(dup, msg(), env);
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(summary(r), "keep*");
    failing_store down;
    host.set_state(&down);
    r = run_with(dup, msg(), env);
    EXPECT_FALSE(r.ok());
    EXPECT_NE(r.errors.front().find("duplicate: state store: redis"), std::string::npos);
}

TEST_F(duplicate, compile_time_checks) {
    compile_errors("require \"duplicate\"; if duplicate :header \"X\" :uniqueid \"y\" { }");
    compile_errors("require \"duplicate\"; if duplicate :seconds \"10\" { }");
    EXPECT_NE(compile_errors("require \"duplicate\"; if duplicate :header \"bad name\" { }")
                  .find("invalid header name"),
              std::string::npos);
    compile_errors("if duplicate { }");
    compiled("require \"duplicate\"; if duplicate :handle \"h\" :header \"X-Id\" :seconds 90 :last { }");
}

}  // namespace
}  // namespace sift::testing
