// sift::site_services and sift::parse_store (sift/site.hpp): a site's
// store and lists in one host, as an embedder runs the default policy.
#include "test_support.hpp"

#include <sift/lists.hpp>
#include <sift/policy.hpp>
#include <sift/settings.hpp>
#include <sift/site.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace sift::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* from_spammer =
    "From: Sam <sam@spam.example>\r\nTo: anna@domain.xyz\r\nSubject: hello\r\n"
    "Message-ID: <1@spam.example>\r\nDate: Tue, 1 Dec 2026 10:00:00 +0000\r\n\r\nHello.\r\n";

site_open in_memory(std::optional<std::string> lists_dir = std::nullopt) {
    site_open how;
    how.store = parse_store("memory");
    how.lists_dir = std::move(lists_dir);
    return how;
}

site_open absent_default_is_empty() {
    site_open how;
    how.absent_default_is_empty = true;
    return how;
}

struct site_dir : ::testing::Test {
    fs::path dir = fs::temp_directory_path() / ("sift-site-test-" + std::to_string(::getpid()));
    void SetUp() override {
        fs::remove_all(dir);
        fs::create_directories(dir);
    }
    void TearDown() override { fs::remove_all(dir); }
    envelope env() const { return {.from = "sam@spam.example", .to = "anna@domain.xyz"}; }
    result run_default(const config& site, site_services& services) const {
        auto p = policy::load(site.policy_dir);
        EXPECT_TRUE(p.ok()) << format(p.errors());
        auto options = services.options();
        auto e = env();
        return p.run(session{}, message::from_raw(from_spammer), e, options, nullptr, site,
                     settings_for(site, services.state(), e.to));
    }
};

TEST(parse_store, reads_the_tools_store_names) {
    EXPECT_EQ(parse_store("memory").kind, store::store_kind::memory);
    auto l = parse_store("lmdb:/var/lib/sift/state.mdb");
    EXPECT_EQ(l.kind, store::store_kind::lmdb);
    EXPECT_EQ(l.path, "/var/lib/sift/state.mdb");
    auto r = parse_store("redis:127.0.0.1:6380");
    EXPECT_EQ(r.kind, store::store_kind::redis);
    EXPECT_EQ(r.host, "127.0.0.1");
    EXPECT_EQ(r.port, 6380);
    EXPECT_EQ(parse_store("redis:cache.internal").host, "cache.internal");
}

TEST(parse_store, says_what_is_wrong) {
    auto message = [](std::string_view spec) {
        try {
            parse_store(spec);
        } catch (const std::invalid_argument& e) {
            return std::string(e.what());
        }
        return std::string("accepted");
    };
    EXPECT_EQ(message("redis:"), "redis:: no host");
    EXPECT_EQ(message("redis:h:0"), "redis:h:0: bad port");
    EXPECT_EQ(message("redis:h:65536"), "redis:h:65536: bad port");
    EXPECT_EQ(message("redis:h:12x"), "redis:h:12x: bad port");
    EXPECT_EQ(message("lmdb:"), "lmdb:: not memory, lmdb:PATH or redis:HOST[:PORT]");
    EXPECT_EQ(message("sqlite:x"), "sqlite:x: not memory, lmdb:PATH or redis:HOST[:PORT]");
}

TEST(no_list_provider, has_no_list) {
    auto none = no_list_provider();
    EXPECT_FALSE(none->valid("tag:sift,2026:block"));
    EXPECT_FALSE(none->contains("tag:sift,2026:block", "sam@spam.example"));
    EXPECT_TRUE(none->members("tag:sift,2026:block").empty());
}

// The default policy through the library: without a list service the
// block list fails the run; with a site's services it runs.
TEST_F(site_dir, the_default_policy_runs_with_a_sites_services) {
    auto p = policy::load("default");
    ASSERT_TRUE(p.ok()) << format(p.errors());
    auto bare = p.run(session{}, message::from_raw(from_spammer), env(), run_options{});
    ASSERT_FALSE(bare.errors.empty());
    EXPECT_NE(bare.errors[0].find("no list service"), std::string::npos) << bare.errors[0];

    config site;
    site_services services(site, in_memory());
    auto r = run_default(site, services);
    EXPECT_TRUE(r.errors.empty()) << r.errors[0];
    EXPECT_EQ(summary(r).find("reject"), std::string::npos) << summary(r);
}

// A submission (sift-milter --authenticated submission, its default,
// gives the item vnd.sift.submission "on" for a sender who logged in):
// the default policy's rules for mail from outside (the spam rules, DMARC,
// the score fields) are not for it; the forbidden attachments are, and
// forged score fields are still removed.
TEST_F(site_dir, a_submission_skips_the_inbound_spam_rules_not_the_attachments) {
    config site;
    site_services services(site, in_memory());
    auto p = policy::load("default");
    ASSERT_TRUE(p.ok()) << format(p.errors());
    envelope e{.from = "anna@domain.xyz", .to = "dave@example.org"};
    auto run = [&](const std::string& raw, bool submission) {
        session s;
        if (submission) {
            s.authenticated_user = "anna@domain.xyz";
            s.items = {{"vnd.sift.submission", "on"}};
        }
        auto options = services.options();
        return p.run(s, message::from_raw(raw), e, options, nullptr, site,
                     settings_for(site, services.state(), e.to));
    };
    const std::string head =
        "From: Anna <anna@domain.xyz>\r\nTo: dave@example.org\r\nMessage-ID: <2@domain.xyz>\r\n"
        "Date: Tue, 1 Dec 2026 10:00:00 +0000\r\n";
    // GTUBE and DMARC p=reject (a trusted Authentication-Results): refused
    // inbound, delivered as a submission with no score and no score fields.
    auto gtube = head +
                 "Subject: test\r\nX-Spam-Flag: NO\r\n\r\n"
                 "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X\r\n";
    auto in = run(gtube, false);
    EXPECT_EQ(in.verdict.what, verdict::kind::refuse) << summary(in);
    EXPECT_EQ(in.verdict.text, "message refused as spam");
    auto out = run(gtube, true);
    EXPECT_EQ(out.verdict.what, verdict::kind::deliver) << summary(out);
    EXPECT_TRUE(out.hits.empty());
    std::vector<std::string> adds, removes;
    for (const auto& h : out.header_edits)
        (h.what == header_edit::kind::add ? adds : removes).push_back(h.name);
    EXPECT_TRUE(adds.empty()) << adds.front();
    EXPECT_EQ(removes, std::vector<std::string>{"X-Spam-Flag"});  // the forged one
    site.trusted_authserv_ids = {"mx.domain.xyz"};
    auto dmarc =
        head +
        "Subject: hi\r\nAuthentication-Results: mx.domain.xyz; spf=fail smtp.mailfrom=domain.xyz;\r\n"
        "  dmarc=fail (p=reject pct=100) header.from=domain.xyz\r\n\r\nHello.\r\n";
    auto trusted = [&](const std::string& raw, bool submission) {
        session s;
        if (submission) s.items = {{"vnd.sift.submission", "on"}};
        auto options = services.options();
        options.authres.trusted_authserv_ids = site.trusted_authserv_ids;
        return p.run(s, message::from_raw(raw), e, options, nullptr, site,
                     settings_for(site, services.state(), e.to));
    };
    EXPECT_EQ(trusted(dmarc, false).verdict.text, "DMARC policy of the sender's domain: reject");
    EXPECT_EQ(trusted(dmarc, true).verdict.what, verdict::kind::deliver);
    // A forbidden attachment: refused either way, 554 5.7.0 naming it.
    auto exe = head +
               "Subject: the tool\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b1\r\n\r\n"
               "--b1\r\nContent-Type: text/plain\r\n\r\nhere\r\n--b1\r\n"
               "Content-Type: application/octet-stream\r\n"
               "Content-Disposition: attachment; filename=\"tool.exe\"\r\n\r\nMZ\r\n--b1--\r\n";
    for (bool submission : {false, true}) {
        auto r = run(exe, submission);
        EXPECT_EQ(r.verdict.what, verdict::kind::refuse) << submission;
        EXPECT_EQ(r.verdict.smtp_code, 554) << submission;
        EXPECT_EQ(r.verdict.text, "Message rejected: forbidden attachment type (.exe in tool.exe)")
            << submission;
    }
}

// lists.dir of the configuration is the lists (sift-milter ignored it
// before site_services): the global block list refuses the sender.
TEST_F(site_dir, the_configurations_lists_dir_is_used) {
    fs::create_directories(dir / "lists");
    std::ofstream(dir / "lists" / std::string(lists::global_block)) << "@spam.example\n";
    config site;
    site.lists_dir = (dir / "lists").string();
    site_services services(site, in_memory());
    EXPECT_TRUE(services.lists().contains(lists::global_block, "sam@spam.example"));
    auto r = run_default(site, services);
    EXPECT_NE(summary(r).find("reject"), std::string::npos) << summary(r);

    // how.lists_dir overrides it: an empty directory blocks no one.
    fs::create_directories(dir / "empty");
    site_services other(site, in_memory((dir / "empty").string()));
    EXPECT_FALSE(other.lists().contains(lists::global_block, "sam@spam.example"));
}

// The store's own lists, and the unconfigured default store read as an
// empty one only when asked to.
TEST_F(site_dir, an_lmdb_store_holds_the_lists) {
    auto where = parse_store("lmdb:" + (dir / "state.mdb").string());
    {
        auto writable = lists::open_list_store(where);
        writable->add(lists::global_block, {"@spam.example"});
    }
    config site;
    site.store = where;
    site.store_configured = true;
    site_services services(site);
    EXPECT_NE(services.state(), nullptr);
    auto r = run_default(site, services);
    EXPECT_NE(summary(r).find("reject"), std::string::npos) << summary(r);
}

TEST_F(site_dir, an_absent_default_store_is_empty_only_when_asked) {
    config site;
    site.store = parse_store("lmdb:" + (dir / "not-yet" / "state.mdb").string());
    site_services reading(site, absent_default_is_empty());
    EXPECT_FALSE(fs::exists(dir / "not-yet"));
    EXPECT_FALSE(reading.lists().valid(lists::global_block));
    site.store_configured = true;  // a configured store must open: here its directory is missing
    EXPECT_THROW(site_services(site, absent_default_is_empty()), store::store_error);
}

}  // namespace
}  // namespace sift::testing
