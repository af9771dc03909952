// copy (RFC 3894), reject/ereject (RFC 5429), imap4flags (RFC 5232): how
// they change the actions of a result.
#include "test_support.hpp"

namespace sift::testing {
namespace {

result run_result(std::string_view source) {
    auto s = compiled(source);
    auto m = message::from_raw(sample_message);
    return s.run(m, default_envelope());
}

TEST(copy, keeps_the_implicit_keep) {
    EXPECT_EQ(run("require [\"fileinto\", \"copy\"]; fileinto :copy \"A\";", sample_message),
              "fileinto:A; keep*");
    EXPECT_EQ(run("require \"copy\"; redirect :copy \"a@example.com\";", sample_message),
              "redirect:a@example.com; keep*");
    EXPECT_EQ(run("require [\"fileinto\", \"copy\"]; fileinto :copy \"A\"; fileinto \"B\";", sample_message),
              "fileinto:A; fileinto:B");
    auto r = run_result("require [\"fileinto\", \"copy\"]; fileinto :copy \"A\";");
    EXPECT_TRUE(as<fileinto_action>(r.actions[0]).copy);
}

TEST(copy, needs_its_capability_and_only_fits_fileinto_and_redirect) {
    EXPECT_NE(
        compile_errors("require \"fileinto\"; fileinto :copy \"A\";").find("tag :copy requires the \"copy\""),
        std::string::npos);
    EXPECT_NE(compile_errors("require \"copy\"; keep :copy;").find("unknown tag :copy for command 'keep'"),
              std::string::npos);
}

TEST(reject, refuses_and_cancels_the_implicit_keep) {
    auto r = run_result("require \"reject\"; reject \"not here\";");
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r.actions.size(), 1u);
    EXPECT_EQ(kind(r.actions[0]), action_kind::reject);
    EXPECT_EQ(as<reject_action>(r.actions[0]).reason, "not here");
    EXPECT_EQ(kind(run_result("require \"ereject\"; ereject \"no\";").actions.at(0)), action_kind::ereject);
}

TEST(reject, conflicts_with_deliveries_in_either_order) {
    for (auto script : {"require \"reject\"; reject \"a\"; keep;", "require \"reject\"; keep; reject \"a\";",
                        "require [\"reject\", \"fileinto\"]; fileinto \"X\"; reject \"a\";",
                        "require [\"reject\", \"copy\"]; reject \"a\"; redirect :copy \"x@example.com\";",
                        "require [\"reject\", \"ereject\"]; reject \"a\"; ereject \"b\";"}) {
        auto r = run_result(script);
        EXPECT_FALSE(r.ok()) << script;
        EXPECT_EQ(summary(r), "keep*") << script;  // RFC 5228 §2.10.6 fallback
    }
    EXPECT_EQ(summary(run_result("require \"reject\"; reject \"a\"; discard;")), "reject; discard");
}

TEST(imap4flags, internal_variable_and_implicit_keep) {
    auto r = run_result(
        "require \"imap4flags\"; setflag \"\\\\Seen\"; addflag [\"a b\", \"A\"]; removeflag \"b\";");
    ASSERT_EQ(r.actions.size(), 1u);
    EXPECT_TRUE(as<keep_action>(r.actions[0]).implicit);
    EXPECT_EQ(as<keep_action>(r.actions[0]).flags, (std::vector<std::string>{"\\Seen", "a"}));
}

TEST(imap4flags, flags_tag_overrides_the_internal_variable) {
    auto r = run_result(
        "require [\"imap4flags\", \"fileinto\"]; setflag \"x\"; fileinto :flags \"y z\" \"A\"; "
        "fileinto \"B\";");
    ASSERT_EQ(r.actions.size(), 2u);
    EXPECT_EQ(as<fileinto_action>(r.actions[0]).flags, (std::vector<std::string>{"y", "z"}));
    EXPECT_EQ(as<fileinto_action>(r.actions[1]).flags, (std::vector<std::string>{"x"}));
}

// A second keep/fileinto into the same mailbox files the message once
// (RFC 5228 §2.10.3), with the flags of the last of them, as Pigeonhole
// stores it; the first keeps its place in the result.
TEST(imap4flags, duplicate_delivery_takes_the_last_flags) {
    auto r = run_result(
        "require [\"imap4flags\", \"fileinto\"]; setflag \"IMPLICIT\";\n"
        "fileinto :flags \"\\\\Seen \\\\Draft\" \"Junk\"; fileinto :flags \"NONSENSE\" \"Junk\";\n"
        "keep; keep :flags \"\\\\Seen\";\n"
        "fileinto :flags \"\\\\Seen\" \"Other\"; fileinto \"Other\";\n"
        "fileinto :flags \"x\" \"inbox\";");
    ASSERT_EQ(r.actions.size(), 3u);
    EXPECT_EQ(mailbox_of(r.actions[0]), "Junk");
    EXPECT_EQ(as<fileinto_action>(r.actions[0]).flags, (std::vector<std::string>{"NONSENSE"}));
    EXPECT_EQ(kind(r.actions[1]), action_kind::keep);
    EXPECT_EQ(as<keep_action>(r.actions[1]).flags,
              (std::vector<std::string>{"x"}));  // fileinto "inbox" is the keep's duplicate
    EXPECT_EQ(line(r.actions[1]), 3u);
    EXPECT_EQ(as<fileinto_action>(r.actions[2]).flags, (std::vector<std::string>{"IMPLICIT"}));
}

TEST(imap4flags, hasflag_on_internal_and_named_variables) {
    auto t = [](std::string body) {
        return run("require [\"imap4flags\", \"variables\"]; " + body + " if true { discard; }",
                   sample_message);
    };
    EXPECT_EQ(
        run("require \"imap4flags\"; setflag \"Urgent\"; if hasflag \"urgent\" { discard; }", sample_message),
        "discard");
    EXPECT_EQ(run("require \"imap4flags\"; if hasflag \"urgent\" { discard; }", sample_message), "keep*");
    EXPECT_EQ(run("require [\"imap4flags\", \"variables\"]; set \"v\" \"a b\"; "
                  "if hasflag :contains \"v\" \"b\" { discard; }",
                  sample_message),
              "discard");
    EXPECT_EQ(t("set \"v\" \"\";"), "discard");
}

TEST(imap4flags, variable_names_are_checked) {
    EXPECT_NE(compile_errors("require [\"imap4flags\", \"variables\"]; setflag \"1x\" \"a\";")
                  .find("invalid variable name '1x'"),
              std::string::npos);
    EXPECT_NE(compile_errors("require \"imap4flags\"; setflag \"v\" \"a\";")
                  .find("needs the \"variables\" capability"),
              std::string::npos);
}

}  // namespace
}  // namespace sift::testing
