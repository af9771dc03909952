// End-to-end behaviour of the public API: compile, run, actions.
#include "test_support.hpp"

namespace sift::testing {
namespace {

TEST(script, empty_script_keeps_implicitly) {
    EXPECT_EQ(run("", sample_message), "keep*");
}

TEST(script, fileinto_cancels_implicit_keep) {
    EXPECT_EQ(run("require \"fileinto\"; fileinto \"Spam\";", sample_message), "fileinto:Spam");
}

TEST(script, header_contains_is_case_insensitive_by_default) {
    EXPECT_EQ(run("if header :contains \"subject\" \"WORLD\" { discard; }", sample_message), "discard");
    EXPECT_EQ(
        run("if header :comparator \"i;octet\" :contains \"subject\" \"WORLD\" { discard; }", sample_message),
        "keep*");
}

TEST(script, compile_error_reports_line_and_column) {
    auto errors = compile_errors("keep;\nfrobnicate;\n");
    EXPECT_NE(errors.find("test.sieve:2:1: error: unknown command 'frobnicate'"), std::string::npos)
        << errors;
}

TEST(script, bytecode_round_trip_behaves_the_same) {
    auto s =
        compiled("require \"fileinto\"; if address :domain \"from\" \"example.com\" { fileinto \"A\"; }");
    auto loaded = script::load(s.save(), "x.svbin");
    ASSERT_TRUE(loaded.ok()) << format(loaded.errors());
    auto msg = message::from_raw(sample_message);
    EXPECT_EQ(summary(loaded.run(msg, default_envelope())), "fileinto:A");
    EXPECT_EQ(loaded.save(), s.save());
}

}  // namespace
}  // namespace sift::testing
