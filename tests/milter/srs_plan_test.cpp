// SRS in sift-milter's end-of-message plan (milter/plan.hpp, srs_context):
// a redirect off-domain rewrites the envelope sender once, first; one to a
// local domain, or with SRS off, does not. The SRS0 address is the one
// postsrsd wrote for the same secret and day (tests/milter/srs_test.cpp).
#include "engine.hpp"
#include "plan.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace sift::milter {
namespace {

using k = edit::kind;
constexpr std::time_t day_jv = 20789LL * 86400;

recipient rcpt(std::string address) {
    return {"<" + address + ">", address, {}};
}

result redirecting(std::vector<std::string> to) {
    result r;
    r.verdict.what = verdict::kind::deliver;
    for (auto& a : to) r.actions.push_back(redirect_action{.address = a});
    return r;
}

const srs::config fwd{.domain = "fwd.example", .secrets = {"tops3cret"}, .exclude_domains = {"example.net"}};

TEST(MilterSrs, RedirectOffDomainRewritesTheSenderFirst) {
    srs_context srs{fwd, "anna@example.com", day_jv};
    auto p = decide({rcpt("fwd@example.net")}, {redirecting({"x@example.org"})}, {}, &srs);
    std::vector<edit> want{{k::change_from, {}, "<SRS0=HF+n=JV=example.com=anna@fwd.example>"},
                           {k::delete_rcpt, {}, "<fwd@example.net>"},
                           {k::add_rcpt, {}, "x@example.org"}};
    EXPECT_EQ(p.edits, want);
}

TEST(MilterSrs, TwoRedirectsOneRewrite) {
    srs_context srs{fwd, "anna@example.com", day_jv};
    auto p = decide({rcpt("a@example.net"), rcpt("b@example.net")},
                    {redirecting({"x@example.org"}), redirecting({"y@other.example"})}, {}, &srs);
    auto n =
        std::count_if(p.edits.begin(), p.edits.end(), [](const edit& e) { return e.what == k::change_from; });
    EXPECT_EQ(n, 1);
    EXPECT_EQ(p.edits.front().what, k::change_from);
}

TEST(MilterSrs, LocalRedirectsNullSenderAndSrsOffKeepTheSender) {
    auto has_change = [](const plan& p) {
        return std::any_of(p.edits.begin(), p.edits.end(),
                           [](const edit& e) { return e.what == k::change_from; });
    };
    srs_context srs{fwd, "anna@example.com", day_jv};
    // example.net is excluded (local), fwd.example is the SRS domain.
    EXPECT_FALSE(has_change(decide({rcpt("a@example.net")}, {redirecting({"b@EXAMPLE.NET"})}, {}, &srs)));
    EXPECT_FALSE(has_change(decide({rcpt("a@example.net")}, {redirecting({"b@fwd.example"})}, {}, &srs)));
    srs_context bounce{fwd, "", day_jv};
    EXPECT_FALSE(has_change(decide({rcpt("a@example.net")}, {redirecting({"x@example.org"})}, {}, &bounce)));
    srs_context local_sender{fwd, "boss@fwd.example", day_jv};
    EXPECT_FALSE(
        has_change(decide({rcpt("a@example.net")}, {redirecting({"x@example.org"})}, {}, &local_sender)));
    EXPECT_FALSE(has_change(decide({rcpt("a@example.net")}, {redirecting({"x@example.org"})}, {})));
}

TEST(MilterSrs, ReadsItsConfiguration) {
    auto dir = std::filesystem::temp_directory_path() / ("sift-srs-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    auto write = [&](const char* name, const char* text) {
        std::ofstream(dir / name) << text;
        return (dir / name).string();
    };
    auto good = write("good", "tops3cret\r\nignored second line\n");
    auto empty = write("empty", "\n");
    auto c = read_srs_config("fwd.example", {good}, {"example.net"});
    EXPECT_EQ(c.secrets, std::vector<std::string>{"tops3cret"});
    EXPECT_EQ(c.exclude_domains, std::vector<std::string>{"example.net"});
    EXPECT_THROW(read_srs_config("fwd.example", {empty}, {}), std::invalid_argument);
    EXPECT_THROW(read_srs_config("fwd.example", {(dir / "missing").string()}, {}), std::invalid_argument);
    EXPECT_THROW(read_srs_config("", {good}, {}), std::invalid_argument);
    EXPECT_THROW(read_srs_config("fwd.example", {}, {}), std::invalid_argument);
    std::filesystem::remove_all(dir);
}

TEST(MilterSrs, ReverseRemovesEverySrsAddressThenAddsTheOriginals) {
    recipient with_params{"<SRS0=HF+n=JV=example.com=anna@fwd.example>",
                          "SRS0=HF+n=JV=example.com=anna@fwd.example",
                          {"NOTIFY=NEVER"}};
    recipient with_orcpt{"<SRS1=4v9s=third.example==abcd=AB=x.example=joe@fwd.example>",
                         "SRS1=4v9s=third.example==abcd=AB=x.example=joe@fwd.example",
                         {"ORCPT=rfc822;x@y.example"}};
    auto p = reverse_srs(
        {{with_params, "anna@example.com"}, {with_orcpt, "SRS0=abcd=AB=x.example=joe@third.example"}});
    EXPECT_EQ(p.what, plan::outcome::accept);
    // ORCPT in xtext: '=' is +3D, '+' is +2B (RFC 3461 §4).
    std::vector<edit> want{
        {k::delete_rcpt, {}, "<SRS0=HF+n=JV=example.com=anna@fwd.example>"},
        {k::delete_rcpt, {}, "<SRS1=4v9s=third.example==abcd=AB=x.example=joe@fwd.example>"},
        {k::add_rcpt,
         {},
         "anna@example.com",
         "ORCPT=rfc822;SRS0+3DHF+2Bn+3DJV+3Dexample.com+3Danna@fwd.example NOTIFY=NEVER"},
        {k::add_rcpt, {}, "SRS0=abcd=AB=x.example=joe@third.example", "ORCPT=rfc822;x@y.example"}};
    EXPECT_EQ(p.edits, want);
    // The same SRS address twice (two RCPTs): one removal, one addition.
    EXPECT_EQ(
        reverse_srs({{with_params, "anna@example.com"}, {with_params, "anna@example.com"}}).edits.size(), 2U);
}

}  // namespace
}  // namespace sift::milter
