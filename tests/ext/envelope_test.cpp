// RFC 5228 §5.4: the envelope test. "from" is the SMTP MAIL FROM address,
// "to" the RCPT TO address that caused this delivery; address parts and
// comparators apply as in the address test (§5.1, §2.7.4), and the null
// reverse-path is the empty string whatever the address part.
#include "test_support.hpp"

// Its own namespace: a unity batch shares one translation unit (prelude, holds).
namespace sift::testing::envelope_tests {
namespace {

constexpr const char* prelude = "require [\"envelope\", \"fileinto\"];\n";

bool holds(const std::string& test, envelope env = default_envelope()) {
    return run(std::string(prelude) + "if " + test + " { fileinto \"yes\"; }", "Subject: x\r\n\r\n", env) ==
           "fileinto:yes";
}

TEST(envelope, from_and_to_with_address_parts) {
    // default_envelope(): MAIL FROM sender@example.org, RCPT TO rcpt@example.net.
    EXPECT_TRUE(holds("envelope :all :is \"from\" \"sender@example.org\""));
    EXPECT_TRUE(holds("envelope :is \"from\" \"sender@example.org\""));  // :all is the default
    EXPECT_TRUE(holds("envelope :localpart :is \"from\" \"sender\""));
    EXPECT_TRUE(holds("envelope :domain :is \"to\" \"example.net\""));
    EXPECT_TRUE(holds("envelope :is [\"to\", \"from\"] \"rcpt@example.net\""));
    EXPECT_FALSE(holds("envelope :is \"to\" \"sender@example.org\""));
}

// A path's :all form is made once a run and kept with the parsed path:
// later tests of the same path, whole or in parts, and of the other path
// read their own.
TEST(envelope, all_of_a_path_read_again_in_one_run) {
    envelope quoted = default_envelope();
    quoted.from = "<\"a b\"@example.org>";
    EXPECT_TRUE(
        holds("allof(envelope :all :is \"from\" \"\\\"a b\\\"@example.org\", "
              "envelope :all :contains \"from\" \"b\\\"@\", envelope :localpart :is \"from\" \"a b\", "
              "envelope :all :is \"to\" \"rcpt@example.net\", "
              "not envelope :all :is \"from\" \"rcpt@example.net\")",
              quoted));
    EXPECT_FALSE(holds(
        "anyof(envelope :all :is \"from\" \"x@y\", envelope :all :is \"from\" \"a b@example.org\")", quoted));
}

TEST(envelope, matching_is_case_insensitive_by_default) {
    // §2.7.3: i;ascii-casemap unless a comparator is named.
    EXPECT_TRUE(holds("envelope :is \"from\" \"SENDER@Example.ORG\""));
    EXPECT_FALSE(holds("envelope :comparator \"i;octet\" :is \"from\" \"SENDER@Example.ORG\""));
    EXPECT_TRUE(holds("envelope :matches :domain \"from\" \"*.org\""));
    EXPECT_TRUE(holds("envelope :contains \"to\" \"rcpt@\""));
}

TEST(envelope, null_reverse_path_is_the_empty_string) {
    envelope bounce = default_envelope();
    bounce.from = "";
    EXPECT_TRUE(holds("envelope :is \"from\" \"\"", bounce));
    EXPECT_TRUE(holds("envelope :localpart :is \"from\" \"\"", bounce));
    EXPECT_TRUE(holds("envelope :domain :is \"from\" \"\"", bounce));
    EXPECT_FALSE(holds("envelope :is \"from\" \"\""));
}

TEST(envelope, part_names_are_case_insensitive_and_unknown_ones_refused) {
    EXPECT_TRUE(holds("envelope :is \"FROM\" \"sender@example.org\""));
    EXPECT_NE(compile_errors(std::string(prelude) + "if envelope \"frob\" \"x\" { stop; }")
                  .find("unknown envelope part 'frob'"),
              std::string::npos);
    // The capability must be required.
    EXPECT_NE(compile_errors("if envelope \"from\" \"x\" { stop; }").find("requires the \"envelope\""),
              std::string::npos);
}

}  // namespace
}  // namespace sift::testing::envelope_tests
