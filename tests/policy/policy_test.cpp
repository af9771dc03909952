// sift::policy (sift/policy.hpp): a policy directory loaded, named and run
// around a user's script.
#include "test_support.hpp"

#include <sift/lists.hpp>
#include <sift/policy.hpp>

#include <filesystem>
#include <fstream>

namespace sift::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* sample = "From: a@example.com\r\nTo: b@example.net\r\nSubject: hi\r\n\r\nHello.\r\n";

struct policy_dir : ::testing::Test {
    fs::path dir = fs::temp_directory_path() / ("sift-policy-test-" + std::to_string(::getpid()));
    void SetUp() override {
        fs::remove_all(dir);
        fs::create_directories(dir / "site");
    }
    void TearDown() override { fs::remove_all(dir); }
    void write(const std::string& name, const std::string& text) {
        std::ofstream(dir / "site" / name) << text;
    }
    policy load() { return policy::load((dir / "site").string()); }
};

TEST_F(policy_dir, runs_before_user_after_named_by_the_directory) {
    write("before.sieve", "require \"imap4flags\"; addflag \"\\\\Seen\";");
    write("after.sieve", "require \"fileinto\"; fileinto \"After\";");
    auto p = load();
    ASSERT_TRUE(p.ok()) << format(p.errors());
    EXPECT_EQ(p.dir(), (dir / "site").string());
    auto user = compiled("if header :contains \"subject\" \"nothing\" { discard; }");
    auto r = p.run(session{}, message::from_raw(sample), default_envelope(), {}, &user);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.scripts, (std::vector<std::string>{"site/before.sieve", "test.sieve", "site/after.sieve"}));
    EXPECT_EQ(summary(r), "fileinto:After");
}

TEST_F(policy_dir, a_decision_before_ends_it_without_a_user_script) {
    write("before.sieve", "require \"fileinto\"; fileinto \"Before\";");
    auto p = load();
    EXPECT_EQ(p.after(), nullptr);
    auto r = p.run(session{}, message::from_raw(sample), default_envelope(), {});
    EXPECT_EQ(summary(r), "fileinto:Before");
}

TEST_F(policy_dir, include_personal_finds_the_policy_directory) {
    write("rules.sieve", "require \"fileinto\"; fileinto \"Included\";");
    write("before.sieve", "require \"include\"; include :personal \"rules\";");
    auto p = load();
    ASSERT_TRUE(p.ok()) << format(p.errors());
    EXPECT_EQ(summary(p.run(session{}, message::from_raw(sample), default_envelope(), {})),
              "fileinto:Included");
}

TEST_F(policy_dir, compile_errors_are_reported_not_thrown) {
    write("after.sieve", "fileinto \"x\";");
    auto p = load();
    EXPECT_FALSE(p.ok());
    ASSERT_FALSE(p.errors().empty());
    EXPECT_NE(format(p.errors()).find("site/after.sieve:1:1: error:"), std::string::npos)
        << format(p.errors());
    EXPECT_THROW(p.around(), std::invalid_argument);
}

TEST_F(policy_dir, a_directory_without_scripts_or_none_at_all_is_an_error) {
    EXPECT_THROW(load(), policy_error);
    EXPECT_THROW(policy::load((dir / "missing").string()), policy_error);
}

TEST_F(policy_dir, default_is_the_bundled_policy) {
    auto p = policy::load("default");
    ASSERT_TRUE(p.ok()) << format(p.errors());
    ASSERT_NE(p.before(), nullptr);
    ASSERT_NE(p.after(), nullptr);
    EXPECT_EQ(p.dir(), default_policy_dir());
    EXPECT_TRUE(fs::exists(fs::path(p.dir()) / "before.sieve"));
    // Its lists from an empty directory: none blocks or allows.
    lists::file_lists none((dir / "site").string());
    basic_host host;
    host.set_lists(&none);
    run_options options;
    options.host = &host;
    auto r = p.run(session{}, message::from_raw(sample), default_envelope(), options);
    EXPECT_TRUE(r.ok()) << (r.errors.empty() ? "" : r.errors[0]);
    EXPECT_EQ(r.scripts, (std::vector<std::string>{"default/before.sieve", "default/after.sieve"}));
}

}  // namespace
}  // namespace sift::testing
