// sift-milter's engine (milter/engine.hpp) opens the site's store and lists
// through sift::site_services: the configuration's lists.dir is the lists
// the RCPT block-list check and the policy read, and a malformed --store is
// refused at startup, saying what is wrong.
#include "engine.hpp"

#include <sift/lists.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace sift::milter {
namespace {

namespace fs = std::filesystem;

struct temp_dir {
    fs::path path;
    temp_dir() {
        char tmpl[] = "/tmp/sift-engine-XXXXXX";
        path = ::mkdtemp(tmpl);
    }
    ~temp_dir() { fs::remove_all(path); }
};

TEST(Engine, TheConfigurationsListsDirIsItsLists) {
    temp_dir d;
    fs::create_directories(d.path / "lists");
    std::ofstream(d.path / "lists" / std::string(sift::lists::global_block)) << "@spam.example\n";
    std::ofstream(d.path / "sift.toml") << "[lists]\ndir = \"" << (d.path / "lists").string() << "\"\n";
    settings s;
    s.config_path = (d.path / "sift.toml").string();
    s.site = sift::load_config(s.config_path);
    engine e(s, [](const std::string&) {});
    auto snap = e.current();
    EXPECT_TRUE(e.sender_blocked(*snap, "sam@spam.example", "anna@domain.xyz"));
    EXPECT_FALSE(e.sender_blocked(*snap, "anna@friend.example", "anna@domain.xyz"));

    auto msg = sift::message::from_raw("From: sam@spam.example\r\nSubject: hi\r\n\r\nhello\r\n");
    sift::envelope env{.from = "sam@spam.example", .to = "anna@domain.xyz"};
    auto r = e.run(*snap, sift::session{}, msg, env, nullptr);
    EXPECT_TRUE(r.errors.empty()) << r.errors[0];
    EXPECT_EQ(r.verdict.what, sift::verdict::kind::refuse) << r.verdict.text;
    EXPECT_NE(r.verdict.text.find("block list"), std::string::npos) << r.verdict.text;
}

TEST(Engine, WithoutListsNoOneIsBlocked) {
    engine e(settings{}, [](const std::string&) {});
    EXPECT_FALSE(e.sender_blocked(*e.current(), "sam@spam.example", "anna@domain.xyz"));
}

TEST(Engine, AMalformedStoreIsRefusedAtStartup) {
    settings s;
    s.store = "redis:localhost:99999";
    try {
        engine e(s, [](const std::string&) {});
        ADD_FAILURE() << "started with --store " << s.store;
    } catch (const startup_error& err) {
        EXPECT_EQ(std::string(err.what()), "--store redis:localhost:99999: bad port");
    }
}

}  // namespace
}  // namespace sift::milter
