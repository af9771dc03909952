// RFC 5233: subaddress (:user and :detail).
#include "ext/subaddress/subaddress.hpp"
#include "test_support.hpp"

// Its own namespace: a unity batch shares one translation unit (prelude, holds).
namespace sift::testing::subaddress_tests {
namespace {

constexpr const char* prelude = "require [\"subaddress\", \"envelope\", \"fileinto\", \"variables\"];\n";

bool holds(const std::string& test, std::string msg, envelope env = default_envelope(),
           eval_limits limits = {}) {
    auto s = compiled(std::string(prelude) + "if " + test + " { fileinto \"yes\"; }");
    auto m = message::from_raw(std::move(msg));
    auto r = s.run(m, env, {.limits = limits});
    EXPECT_TRUE(r.ok());
    return !r.actions.empty() && mailbox_of(r.actions[0]) == "yes";
}

std::string header_to(const std::string& address) {
    return "To: " + address + "\r\n\r\n";
}

TEST(subaddress, split) {
    auto s = ext::split_subaddress("user+detail", "+");
    EXPECT_EQ(s.user, "user");
    EXPECT_EQ(s.detail, "detail");
    s = ext::split_subaddress("user+", "+");
    EXPECT_EQ(s.user, "user");
    EXPECT_EQ(s.detail, "");
    s = ext::split_subaddress("user", "+");
    EXPECT_EQ(s.user, "user");
    EXPECT_FALSE(s.detail.has_value());
    s = ext::split_subaddress("a+b+c", "+");  // the first separator splits
    EXPECT_EQ(s.user, "a");
    EXPECT_EQ(s.detail, "b+c");
    s = ext::split_subaddress("+detail", "+");
    EXPECT_EQ(s.user, "");
    EXPECT_EQ(s.detail, "detail");
    s = ext::split_subaddress("a-b+c", "+-");  // the first of several delimiters present
    EXPECT_EQ(s.user, "a");
    EXPECT_EQ(s.detail, "b+c");
    s = ext::split_subaddress("a+b", "");  // no delimiters: no detail
    EXPECT_EQ(s.user, "a+b");
    EXPECT_FALSE(s.detail.has_value());
}

TEST(subaddress, user_and_detail) {
    auto msg = header_to("user+detail@example.com");
    EXPECT_TRUE(holds("address :user \"to\" \"user\"", msg));
    EXPECT_TRUE(holds("address :detail \"to\" \"detail\"", msg));
    EXPECT_TRUE(holds("address :localpart \"to\" \"user+detail\"", msg));
    EXPECT_FALSE(holds("address :user \"to\" \"user+detail\"", msg));
}

TEST(subaddress, empty_detail_is_the_empty_string) {
    auto msg = header_to("user+@example.com");
    EXPECT_TRUE(holds("address :detail \"to\" \"\"", msg));
    EXPECT_TRUE(holds("address :user \"to\" \"user\"", msg));
}

TEST(subaddress, no_separator_means_no_detail) {
    // §4: ":user" is the whole local part; ":detail" matches no key at all.
    auto msg = header_to("user@example.com");
    EXPECT_TRUE(holds("address :user \"to\" \"user\"", msg));
    EXPECT_FALSE(holds("address :detail \"to\" \"\"", msg));
    EXPECT_FALSE(holds("address :detail :matches \"to\" [\"*\", \"?\"]", msg));
    EXPECT_FALSE(holds("address :detail :contains \"to\" \"\"", msg));
    EXPECT_TRUE(holds("not address :detail :matches \"to\" \"*\"", msg));
}

TEST(subaddress, multiple_separators) {
    auto msg = header_to("a+b+c@example.com");
    EXPECT_TRUE(holds("address :user \"to\" \"a\"", msg));
    EXPECT_TRUE(holds("address :detail \"to\" \"b+c\"", msg));
}

TEST(subaddress, detail_of_several_addresses) {
    auto msg = header_to("plain@example.com, other+tag@example.com");
    EXPECT_TRUE(holds("address :detail \"to\" \"tag\"", msg));
}

TEST(subaddress, rfc_example_with_envelope) {
    // RFC 5233 §5.
    const std::string script =
        "if envelope :user \"to\" \"postmaster\" { fileinto \"inbox.postmaster\"; stop; }\n"
        "if envelope :detail \"to\" \"mta-filters\" { fileinto \"inbox.ietf-mta-filters\"; }\n"
        "if envelope :detail \"to\" \"foo\" { redirect \"ken@example.net\"; }\n";
    auto run_to = [&](const char* to) {
        auto s = compiled(std::string(prelude) + script);
        auto m = message::from_raw("Subject: x\r\n\r\n");
        return summary(s.run(m, envelope{"sender@example.org", to, {}, {}}));
    };
    EXPECT_EQ(run_to("postmaster+any@example.com"), "fileinto:inbox.postmaster");
    EXPECT_EQ(run_to("postmaster@example.com"), "fileinto:inbox.postmaster");
    EXPECT_EQ(run_to("ken+mta-filters@example.com"), "fileinto:inbox.ietf-mta-filters");
    EXPECT_EQ(run_to("ken+foo@example.com"), "redirect:ken@example.net");
    EXPECT_EQ(run_to("ken@example.com"), "keep*");
}

TEST(subaddress, configurable_delimiters) {
    envelope env{"list_request@lists.example.net", "friep+-frop@example.net", {}, {}};
    auto msg = header_to("test-failed@example.com");
    eval_limits dash;
    dash.recipient_delimiters = "-";
    EXPECT_TRUE(holds("address :user \"to\" \"test\"", msg, env, dash));
    EXPECT_TRUE(holds("address :detail \"to\" \"failed\"", msg, env, dash));
    EXPECT_FALSE(holds("address :detail \"to\" \"failed\"", msg, env));  // default "+" only
    eval_limits several;
    several.recipient_delimiters = "+-_";
    EXPECT_TRUE(holds("envelope :user \"to\" \"friep\"", msg, env, several));
    EXPECT_TRUE(holds("envelope :detail \"to\" \"-frop\"", msg, env, several));
    EXPECT_TRUE(holds("envelope :user \"from\" \"list\"", msg, env, several));
    EXPECT_TRUE(holds("envelope :detail \"from\" \"request\"", msg, env, several));
}

TEST(subaddress, match_variables_from_detail) {
    auto s =
        compiled(std::string(prelude) + "if address :detail :matches \"to\" \"*\" { fileinto \"${1}\"; }");
    auto m = message::from_raw(header_to("anna+Lists.Work@example.com"));
    EXPECT_EQ(summary(s.run(m, default_envelope())), "fileinto:Lists.Work");
}

TEST(subaddress, requires_its_capability) {
    auto errors = compile_errors("if address :detail \"to\" \"x\" { }");
    EXPECT_NE(errors.find("1:12: error: tag :detail requires the \"subaddress\" capability"),
              std::string::npos)
        << errors;
    errors = compile_errors(std::string(prelude) + "if address :user :domain \"to\" \"x\" { }");
    EXPECT_NE(errors.find("only one address-part may be given; :domain is a second one"), std::string::npos)
        << errors;
}

TEST(subaddress, null_sender_has_no_user) {
    envelope env{"", "rcpt@example.net", {}, {}};
    // The null reverse-path compares as "" whatever the address part.
    EXPECT_TRUE(holds("envelope :user \"from\" \"\"", "Subject: x\r\n\r\n", env));
}

}  // namespace
}  // namespace sift::testing::subaddress_tests
