// vnd.sift.authres: Authentication-Results (RFC 8601) taken apart, trusted
// by authserv-id, and DMARC alignment (RFC 7489 §3.1) on the Public Suffix
// List. The expected values are read off the RFC's own examples.
#include "ext/authres/authres_header.hpp"
#include "test_support.hpp"

// Its own namespace: a unity batch shares one translation unit (prelude, holds).
namespace sift::testing::authres_tests {
namespace {

using ext::authres::parse;

TEST(authres_header, rfc8601_appendix_b_examples) {
    auto none = parse("example.org 1; none");  // B.2
    ASSERT_TRUE(none);
    EXPECT_EQ(none->authserv_id, "example.org");
    EXPECT_TRUE(none->results.empty());

    auto spf = parse("example.com; spf=pass smtp.mailfrom=example.net");  // B.3
    ASSERT_TRUE(spf);
    ASSERT_EQ(spf->results.size(), 1u);
    EXPECT_EQ(spf->results[0].method, "spf");
    EXPECT_EQ(spf->results[0].result, "pass");
    ASSERT_TRUE(spf->results[0].find("smtp.mailfrom"));
    EXPECT_EQ(*spf->results[0].find("smtp.mailfrom"), "example.net");

    auto two = parse(  // B.4
        "example.com;\r\n          auth=pass (cram-md5) smtp.auth=sender@example.net;\r\n"
        "          spf=pass smtp.mailfrom=example.net");
    ASSERT_TRUE(two);
    ASSERT_EQ(two->results.size(), 2u);
    EXPECT_EQ(two->results[0].method, "auth");
    EXPECT_EQ(*two->results[0].find("smtp.auth"), "sender@example.net");
    EXPECT_EQ(two->results[1].method, "spf");

    auto dkim = parse(  // B.6
        "example.com;\r\n     dkim=pass reason=\"good signature\"\r\n       "
        "header.i=@mail-router.example.net;\r\n"
        "     dkim=fail reason=\"bad signature\"\r\n       header.i=@newyork.example.com");
    ASSERT_TRUE(dkim);
    ASSERT_EQ(dkim->results.size(), 2u);
    EXPECT_EQ(*dkim->results[0].find("reason"), "good signature");
    EXPECT_EQ(*dkim->results[0].find("header.i"), "@mail-router.example.net");
    EXPECT_EQ(dkim->results[1].result, "fail");
}

TEST(authres_header, comments_and_whitespace_anywhere) {
    // RFC 8601 Appendix B.7, comments in every place CFWS may stand.
    auto h = parse(
        "foo.example.net (foobar) 1 (baz);\r\n    dkim (Because I like it) / 1 (One yay) = (wait for it) "
        "fail\r\n"
        "      policy (A dot can go here) . (like that) expired\r\n      (this surprised me) = (as I wasn't "
        "expecting it) 1362471462");
    ASSERT_TRUE(h);
    EXPECT_EQ(h->authserv_id, "foo.example.net");
    ASSERT_EQ(h->results.size(), 1u);
    EXPECT_EQ(h->results[0].method, "dkim");
    EXPECT_EQ(h->results[0].result, "fail");
    ASSERT_TRUE(h->results[0].find("policy.expired"));
    EXPECT_EQ(*h->results[0].find("policy.expired"), "1362471462");
}

TEST(authres_header, dmarc_policy_in_the_comment_as_opendmarc_writes_it) {
    auto h = parse("mx.example.org; dmarc=fail (p=reject sp=none dis=none) header.from=Example.COM");
    ASSERT_TRUE(h);
    ASSERT_EQ(h->results.size(), 1u);
    const auto& r = h->results[0];
    EXPECT_EQ(*r.find("p"), "reject");
    EXPECT_EQ(*r.find("sp"), "none");
    EXPECT_EQ(*r.find("dis"), "none");
    EXPECT_EQ(*r.find("header.from"), "Example.COM");
    // Microsoft's bare key=value pairs are kept under their own names.
    auto m = parse(
        "spf.protection.outlook.com; dmarc=fail action=quarantine header.from=x.example;compauth=fail "
        "reason=000");
    ASSERT_TRUE(m);
    EXPECT_EQ(*m->results[0].find("action"), "quarantine");
    EXPECT_EQ(m->results[1].method, "compauth");
    EXPECT_EQ(*m->results[1].find("reason"), "000");
}

TEST(authres_header, garbage_is_skipped_never_fatal) {
    EXPECT_FALSE(parse(""));
    EXPECT_FALSE(parse("  ;spf=pass"));
    for (std::string_view s :
         {"x; =", "x; spf", "x; spf=", "x;;;", "x; spf=pass header.from", "x; \"", "x; (",
          "x; spf=pass (unclosed", "x junk junk; spf=pass", "\"quoted id\"; dkim=pass"}) {
        (void)parse(s);  // ends, whatever it finds
    }
    auto junk = parse("x junk junk; spf=pass");
    ASSERT_TRUE(junk);
    ASSERT_EQ(junk->results.size(), 1u);
    EXPECT_EQ(junk->results[0].result, "pass");
    auto broken = parse("x; spf=pass header.from; dkim=pass header.d=ok.example");
    ASSERT_TRUE(broken);
    ASSERT_EQ(broken->results.size(), 2u);  // the first breaks off, the second is read again
    EXPECT_EQ(*broken->results[1].find("header.d"), "ok.example");
    EXPECT_EQ(parse("\"quoted id\"; dkim=pass")->authserv_id, "quoted id");
}

// The test in scripts.
constexpr const char* prelude =
    "require [\"vnd.sift.authres\", \"fileinto\", \"relational\", \"comparator-i;ascii-numeric\"];\n";

bool holds(const std::string& test, const std::string& headers,
           std::vector<std::string> trusted = {"mx.example.org"}) {
    auto s = compiled(std::string(prelude) + "if " + test + " { fileinto \"yes\"; }");
    auto m = message::from_raw(headers + "Subject: t\r\n\r\nbody\r\n");
    run_options o;
    o.authres.trusted_authserv_ids = std::move(trusted);
    auto r = s.run(m, default_envelope(), o);
    EXPECT_TRUE(r.ok()) << (r.errors.empty() ? "" : r.errors[0]);
    return !r.actions.empty() && mailbox_of(r.actions[0]) == "yes";
}

const std::string dmarc_pass =
    "From: Anna <anna@news.example.com>\r\n"
    "Authentication-Results: mx.example.org; spf=pass smtp.mailfrom=bounce@mailer.example.net;\r\n"
    "  dkim=pass header.d=example.com header.s=s1; dmarc=pass (p=none dis=none) "
    "header.from=news.example.com\r\n";

TEST(authres, requires_its_capability) {
    auto errors = compile_errors("if authres \"pass\" { }");
    EXPECT_NE(errors.find("vnd.sift.authres"), std::string::npos) << errors;
}

TEST(authres, results_of_trusted_fields_only) {
    EXPECT_TRUE(holds("authres :method \"dmarc\" \"pass\"", dmarc_pass));
    EXPECT_TRUE(holds("authres :method \"dmarc\" \"PASS\"", dmarc_pass));  // i;ascii-casemap
    EXPECT_FALSE(holds("authres :method \"dmarc\" \"fail\"", dmarc_pass));
    EXPECT_TRUE(holds("authres \"pass\"", dmarc_pass));  // any method
    EXPECT_TRUE(holds("authres :method \"dmarc\" \"pass\"", dmarc_pass, {"MX.Example.ORG"}));
    // Anyone can write the field: another authserv-id is not believed, and
    // with no trusted id at all nothing is.
    EXPECT_FALSE(holds("authres :method \"dmarc\" \"pass\"", dmarc_pass, {"other.example"}));
    EXPECT_FALSE(holds("authres :method \"dmarc\" \"pass\"", dmarc_pass, {}));
    EXPECT_TRUE(holds("authres :count \"eq\" \"0\"", dmarc_pass, {}));
    std::string forged =
        "From: a@bank.example\r\n"
        "Authentication-Results: evil.example; dmarc=pass header.from=bank.example\r\n"
        "Authentication-Results: mx.example.org; dmarc=fail (p=reject) header.from=bank.example\r\n";
    EXPECT_FALSE(holds("authres :method \"dmarc\" \"pass\"", forged));
    EXPECT_TRUE(holds("authres :method \"dmarc\" \"fail\"", forged));
}

TEST(authres, properties_policy_and_pct) {
    EXPECT_TRUE(holds("authres :method \"spf\" :property \"smtp.mailfrom\" :matches \"*@mailer.example.net\"",
                      dmarc_pass));
    EXPECT_TRUE(holds("authres :method \"dmarc\" :property \"p\" \"none\"", dmarc_pass));
    EXPECT_FALSE(holds("authres :method \"dmarc\" :property \"p\" \"reject\"", dmarc_pass));
    // RFC 7489 §6.3: pct is 100 unless said otherwise.
    EXPECT_TRUE(holds(
        "authres :method \"dmarc\" :property \"pct\" :value \"eq\" :comparator \"i;ascii-numeric\" \"100\"",
        dmarc_pass));
    std::string sampled =
        "From: a@x.example\r\n"
        "Authentication-Results: mx.example.org; dmarc=fail (p=quarantine pct=20) header.from=x.example\r\n";
    EXPECT_TRUE(holds(
        "authres :method \"dmarc\" :property \"pct\" :value \"lt\" :comparator \"i;ascii-numeric\" \"100\"",
        sampled));
    EXPECT_FALSE(
        holds("authres :method \"spf\" :property \"pct\" \"100\"", dmarc_pass));  // not a DMARC result
    EXPECT_TRUE(holds("authres :count \"eq\" :comparator \"i;ascii-numeric\" \"3\"", dmarc_pass));
    EXPECT_TRUE(
        holds("authres :method [\"dkim\", \"spf\"] :count \"eq\" :comparator \"i;ascii-numeric\" \"2\"",
              dmarc_pass));
}

TEST(authres, aligned_means_the_same_organizational_domain_as_from) {
    // DKIM's d=example.com aligns with From news.example.com (relaxed);
    // SPF's mailer.example.net does not.
    EXPECT_TRUE(holds("authres :method \"dkim\" :aligned \"pass\"", dmarc_pass));
    EXPECT_FALSE(holds("authres :method \"spf\" :aligned \"pass\"", dmarc_pass));
    EXPECT_TRUE(holds("authres :method \"spf\" \"pass\"", dmarc_pass));
    // Two registrants under one public suffix are not aligned: the Public
    // Suffix List says co.uk is a suffix, so a.co.uk and b.co.uk differ.
    std::string uk =
        "From: x@shop.a.co.uk\r\n"
        "Authentication-Results: mx.example.org; dkim=pass header.d=b.co.uk;\r\n"
        "  dkim=fail header.d=mail.a.co.uk; spf=pass smtp.mailfrom=bounces@A.CO.UK.\r\n";
    EXPECT_FALSE(holds("authres :method \"dkim\" :aligned \"pass\"", uk));
    EXPECT_TRUE(holds("authres :method \"dkim\" :aligned \"fail\"", uk));
    EXPECT_TRUE(holds("authres :method \"spf\" :aligned \"pass\"", uk));
    // header.i when header.d is missing.
    std::string by_i =
        "From: x@example.com\r\nAuthentication-Results: mx.example.org; dkim=pass "
        "header.i=@lists.example.com\r\n";
    EXPECT_TRUE(holds("authres :method \"dkim\" :aligned \"pass\"", by_i));
    // Nothing aligns with two From addresses, or none.
    std::string two_from =
        "From: x@example.com, y@example.com\r\n"
        "Authentication-Results: mx.example.org; dkim=pass header.d=example.com\r\n";
    EXPECT_FALSE(holds("authres :method \"dkim\" :aligned \"pass\"", two_from));
    std::string no_from = "Authentication-Results: mx.example.org; dkim=pass header.d=example.com\r\n";
    EXPECT_FALSE(holds("authres :method \"dkim\" :aligned \"pass\"", no_from));
    EXPECT_TRUE(holds("authres :method \"dkim\" \"pass\"", no_from));
}

}  // namespace
}  // namespace sift::testing::authres_tests
