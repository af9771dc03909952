// sift::sequence: before -> user -> after as one evaluation. Each expected
// result is what Pigeonhole's `sieve-test -s BEFORE USER msg` printed for
// the same scripts (docs/EMBEDDING.md "Sequences" lists the runs).
#include "test_support.hpp"

#include <sift/sequence.hpp>

namespace sift::testing {
namespace {

script named(std::string_view source, std::string name) {
    auto s = script::compile(source, name);
    EXPECT_TRUE(s.ok()) << name;
    return s;
}

result run_both(std::string_view before, std::string_view user, const run_options& o = {}) {
    sequence seq{{named(before, "before"), named(user, "user")}};
    auto m = message::from_raw(sample_message);
    return seq.run(m, default_envelope(), o);
}

std::string script_of(const result& r, const action& a) {
    auto n = std::visit([](const auto& x) { return x.script; }, a);
    return n < r.scripts.size() ? r.scripts[n] : "?";
}

TEST(sequence, stop_ends_only_its_own_script) {
    auto r = run_both("stop;", "require \"fileinto\"; fileinto \"User\";");
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r.actions.size(), 1u);
    EXPECT_EQ(mailbox_of(r.actions[0]), "User");
    EXPECT_EQ(script_of(r, r.actions[0]), "user");
    EXPECT_EQ(r.scripts, (std::vector<std::string>{"before", "user"}));
}

TEST(sequence, a_final_decision_ends_the_sequence) {
    auto r =
        run_both("require \"fileinto\"; fileinto \"Before\";", "require \"fileinto\"; fileinto \"User\";");
    ASSERT_EQ(r.actions.size(), 1u);
    EXPECT_EQ(mailbox_of(r.actions[0]), "Before");
    EXPECT_EQ(r.scripts, (std::vector<std::string>{"before"}));
    // The user cannot undo a refusal.
    auto refused = run_both("require \"reject\"; reject \"no\";", "keep;");
    EXPECT_EQ(refused.verdict.what, verdict::kind::refuse);
    ASSERT_EQ(refused.actions.size(), 1u);
    EXPECT_EQ(kind(refused.actions[0]), action_kind::reject);
}

TEST(sequence, internal_flags_carry_to_a_script_without_imap4flags) {
    auto r = run_both(
        "require [\"fileinto\", \"imap4flags\", \"copy\"]; setflag \"\\\\Seen\"; fileinto :copy \"Copy\";",
        "require \"fileinto\"; fileinto \"User\";");
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r.actions.size(), 2u);
    EXPECT_EQ(mailbox_of(r.actions[1]), "User");
    EXPECT_EQ(as<fileinto_action>(r.actions[0]).flags, (std::vector<std::string>{"\\Seen"}));
    EXPECT_EQ(as<fileinto_action>(r.actions[1]).flags, (std::vector<std::string>{"\\Seen"}));
    // ... and into the next script's internal variable.
    auto next = run_both("require \"imap4flags\"; addflag \"$Label1\";",
                         "require [\"imap4flags\", \"fileinto\"]; addflag \"\\\\Answered\";"
                         "if hasflag \"$Label1\" { fileinto \"Both\"; }");
    ASSERT_EQ(next.actions.size(), 1u);
    EXPECT_EQ(mailbox_of(next.actions[0]), "Both");
    EXPECT_EQ(as<fileinto_action>(next.actions[0]).flags,
              (std::vector<std::string>{"$Label1", "\\Answered"}));
}

TEST(sequence, variables_belong_to_their_script) {
    auto r = run_both(
        "require \"variables\"; set \"x\" \"1\";",
        "require [\"variables\", \"fileinto\"]; if string :is \"${x}\" \"\" { fileinto \"Fresh\"; }");
    ASSERT_EQ(r.actions.size(), 1u);
    EXPECT_EQ(mailbox_of(r.actions[0]), "Fresh");
}

TEST(sequence, the_next_script_sees_the_edited_message) {
    auto r = run_both("require \"editheader\"; addheader \"X-Policy\" \"seen\";",
                      "require \"fileinto\"; if header :is \"X-Policy\" \"seen\" { fileinto \"Saw\"; }");
    ASSERT_EQ(r.actions.size(), 1u);
    EXPECT_EQ(mailbox_of(r.actions[0]), "Saw");
    ASSERT_EQ(r.header_edits.size(), 1u);
}

TEST(sequence, a_failing_script_loses_its_own_actions_only) {
    auto r = run_both("require [\"fileinto\", \"copy\"]; fileinto :copy \"Copy\";",
                      "redirect \"a@b.c\"; redirect \"b@b.c\"; redirect \"c@b.c\"; redirect \"d@b.c\"; "
                      "redirect \"e@b.c\";");
    EXPECT_EQ(r.status, run_status::runtime_error);
    ASSERT_EQ(r.actions.size(), 2u);
    EXPECT_EQ(mailbox_of(r.actions[0]), "Copy");
    EXPECT_EQ(kind(r.actions[1]), action_kind::keep);  // the implicit keep
    ASSERT_FALSE(r.errors.empty());
    EXPECT_EQ(r.errors[0].rfind("user: line 1: ", 0), 0u) << r.errors[0];
}

TEST(sequence, deduplication_spans_the_scripts) {
    auto r = run_both("require [\"fileinto\", \"copy\"]; fileinto :copy \"Spam\";",
                      "require \"fileinto\"; fileinto \"Spam\";");
    // RFC 5228 §2.10.3: filed once; and the user's fileinto, merged into
    // the :copy one, still cancels the implicit keep (§4.1; Pigeonhole
    // keeps it, in one script as in a sequence: docs/CONFORMANCE.md).
    ASSERT_EQ(r.actions.size(), 1u);
    EXPECT_EQ(mailbox_of(r.actions[0]), "Spam");
}

TEST(sequence, refuses_scripts_that_did_not_compile) {
    sequence seq;
    EXPECT_THROW(seq.add(script::compile("if {", "broken")), std::invalid_argument);
    auto m = message::from_raw(sample_message);
    auto r = seq.run(m, default_envelope());  // empty: the implicit keep
    ASSERT_EQ(r.actions.size(), 1u);
    EXPECT_EQ(kind(r.actions[0]), action_kind::keep);
}

}  // namespace
}  // namespace sift::testing
