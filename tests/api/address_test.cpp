// sift/address.hpp: the public address parser reads addresses as the
// address and envelope tests do (RFC 5322 §3.4, RFC 5321 §4.1.2, RFC 5233).
#include <sift/address.hpp>

#include "test_support.hpp"

namespace sift::testing {
namespace {

TEST(public_address, a_path_splits_into_user_detail_and_domain) {
    auto a = parse_path("<bob+lists@Example.ORG>");
    ASSERT_TRUE(a);
    EXPECT_TRUE(a->valid);
    EXPECT_EQ(a->local_part, "bob+lists");
    EXPECT_EQ(a->user, "bob");
    EXPECT_EQ(a->detail, "lists");
    EXPECT_EQ(a->domain, "Example.ORG");  // case kept, as the tests compare it
    EXPECT_EQ(a->all(), "bob+lists@Example.ORG");
    EXPECT_EQ(a->text, "bob+lists@Example.ORG");
}

// RFC 5233 §4: only the first delimiter splits; none means no detail at all,
// a trailing one the empty detail; several delimiters: the first present.
TEST(public_address, the_detail_follows_the_delimiters_given) {
    EXPECT_EQ(parse_path("a+b+c@x.org")->detail, "b+c");
    EXPECT_EQ(parse_path("plain@x.org")->user, "plain");
    EXPECT_EQ(parse_path("plain@x.org")->detail, std::nullopt);
    EXPECT_EQ(parse_path("bob+@x.org")->detail, "");
    auto a = parse_path("bob-x+y@x.org", "-+");
    EXPECT_EQ(a->user, "bob");
    EXPECT_EQ(a->detail, "x+y");
    EXPECT_EQ(parse_path("bob+x@x.org", "")->detail, std::nullopt);  // no delimiters: no subaddress
}

TEST(public_address, the_null_path_and_invalid_paths) {
    EXPECT_EQ(parse_path("<>"), std::nullopt);
    EXPECT_EQ(parse_path("  "), std::nullopt);
    auto broken = parse_path("<no-at-sign>");
    ASSERT_TRUE(broken);
    EXPECT_FALSE(broken->valid);
    EXPECT_EQ(broken->text, "no-at-sign");
    EXPECT_EQ(broken->all(), "no-at-sign");
    EXPECT_TRUE(broken->local_part.empty());
    EXPECT_TRUE(broken->domain.empty());
    EXPECT_EQ(parse_path("<@relay.example:bob@x.org>")->all(), "bob@x.org");  // source route dropped
}

// The envelope test's leniency (as Pigeonhole): a bare local part, dots
// anywhere in it.
TEST(public_address, envelope_paths_as_smtp_servers_take_them) {
    EXPECT_FALSE(parse_path("<MAILER-DAEMON>")->valid);
    auto daemon = parse_envelope_path("<MAILER-DAEMON>");
    ASSERT_TRUE(daemon && daemon->valid);
    EXPECT_EQ(daemon->local_part, "MAILER-DAEMON");
    EXPECT_EQ(daemon->domain, "");
    auto dots = parse_envelope_path("<a..b+c@x.org>");
    ASSERT_TRUE(dots && dots->valid);
    EXPECT_EQ(dots->user, "a..b");
    EXPECT_EQ(dots->detail, "c");
    EXPECT_EQ(parse_envelope_path("<>"), std::nullopt);
}

TEST(public_address, a_header_value_gives_every_mailbox) {
    auto list = parse_address_list(
        "\"Doe, John\" <john+work@example.com>, undisclosed:;, team: ann@x.org, (c) bo@y.org;, "
        "=?utf-8?q?J=C3=B6rg?= <jorg@z.de>");
    ASSERT_EQ(list.size(), 4u);
    EXPECT_EQ(list[0].display_name, "Doe, John");
    EXPECT_EQ(list[0].user, "john");
    EXPECT_EQ(list[0].detail, "work");
    EXPECT_EQ(list[1].all(), "ann@x.org");  // group members, the group name is no address
    EXPECT_EQ(list[2].all(), "bo@y.org");
    EXPECT_EQ(list[3].display_name, "J\u00f6rg");
    EXPECT_EQ(parse_address_list("\"john doe\"@example.com")[0].all(), "\"john doe\"@example.com");
}

TEST(public_address, a_single_mailbox) {
    auto a = parse_mailbox("Nico <nico@frop.example.org>");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->display_name, "Nico");
    EXPECT_EQ(a->all(), "nico@frop.example.org");
    EXPECT_EQ(parse_mailbox("a@x.org, b@y.org"), std::nullopt);
    EXPECT_EQ(parse_mailbox("not an address"), std::nullopt);
}

// What a frontend parses is what the script's tests see.
TEST(public_address, agrees_with_the_address_test) {
    const std::string msg = "To: \"Doe, John\" <john+work@example.com>, ann@x.org\r\n\r\nbody\r\n";
    std::string seen;
    for (const auto& a : parse_address_list("\"Doe, John\" <john+work@example.com>, ann@x.org"))
        seen += (a.detail ? *a.detail : std::string("-")) + " ";
    EXPECT_EQ(seen, "work - ");
    EXPECT_EQ(run("require [\"subaddress\", \"fileinto\"];\n"
                  "if address :detail \"to\" \"work\" { fileinto \"yes\"; }",
                  msg),
              "fileinto:yes");
}

}  // namespace
}  // namespace sift::testing
