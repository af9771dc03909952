// Allow and block lists (sift/lists.hpp): the entry rules, the lookup keys,
// the per-user names, the file provider following them, and the engine
// asking a per-user list for the run's envelope recipient. Expected values
// are worked out by hand from the rules in sift/lists.hpp.
#include "test_support.hpp"

#include <sift/lists.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

namespace sift::testing {
namespace {

namespace fs = std::filesystem;
using lists::list_error;
using strings = std::vector<std::string>;

std::string entry_error(std::string_view e) {
    try {
        return "accepted " + lists::normalize_entry(e);
    } catch (const list_error& x) {
        return x.what();
    }
}

TEST(ListEntries, CanonicalForms) {
    EXPECT_EQ(lists::normalize_entry("Anna@Example.COM"), "anna@example.com");
    EXPECT_EQ(lists::normalize_entry("  @Example.com  "), "@example.com");
    EXPECT_EQ(lists::normalize_entry("@.Example.com."), "@.example.com");
    EXPECT_EQ(lists::normalize_entry("anna@example.com."), "anna@example.com");
    EXPECT_EQ(lists::normalize_entry("@xn--bcher-kva.example"), "@xn--bcher-kva.example");
}

TEST(ListEntries, RefusedWithTheReason) {
    EXPECT_EQ(entry_error(""), "empty entry");
    EXPECT_EQ(
        entry_error("anna"),
        "entry 'anna' is neither an address (anna@example.com) nor a domain (@example.com, @.example.com)");
    EXPECT_EQ(entry_error("an na@example.com"),
              "entry 'an na@example.com' holds a space or a control character");
    EXPECT_EQ(entry_error("a\x01@example.com"),
              "entry 'a\x01@example.com' holds a space or a control character");
    EXPECT_EQ(entry_error("@"), "entry '@': the domain is empty");
    EXPECT_EQ(entry_error("@."), "entry '@.': the domain is empty");
    EXPECT_EQ(entry_error("anna@"), "entry 'anna@': the domain is empty");
    EXPECT_EQ(entry_error("@a..b"), "entry '@a..b': the domain has an empty label");
    EXPECT_EQ(entry_error("@..b"), "entry '@..b': the domain has an empty label");
    EXPECT_EQ(entry_error("@exa!mple.com"), "entry '@exa!mple.com': the domain holds '!'");
    EXPECT_EQ(entry_error("a<b@example.com"), "entry 'a<b@example.com': the local part holds '<'");
    EXPECT_EQ(entry_error("a@b@example.com"), "entry 'a@b@example.com': the local part holds '@'");
    EXPECT_EQ(
        entry_error("@" + std::string(64, 'a') + ".com"),
        "entry '@" + std::string(64, 'a') + ".com': a label of the domain is longer than 63 characters");
    auto long_local = std::string(250, 'a') + "@example.com";
    EXPECT_EQ(entry_error(long_local), "entry '" + long_local + "' is longer than 254 characters");
}

TEST(ListKeys, AddressThenDomainThenParents) {
    EXPECT_EQ(lists::lookup_keys("Anna@Mail.Example.COM"),
              (strings{"anna@mail.example.com", "@mail.example.com", "@.mail.example.com", "@.example.com",
                       "@.com"}));
    EXPECT_EQ(lists::lookup_keys("<bob@example.net>"),
              (strings{"bob@example.net", "@example.net", "@.example.net", "@.net"}));
    // A bare domain (address :domain) is looked up as a domain.
    EXPECT_EQ(lists::lookup_keys("Example.com"),
              (strings{"example.com", "@example.com", "@.example.com", "@.com"}));
    EXPECT_EQ(lists::lookup_keys("@example.com"), (strings{"@example.com", "@.example.com", "@.com"}));
    // Anything else is only itself.
    EXPECT_EQ(lists::lookup_keys("Some Words"), (strings{"some words"}));
    EXPECT_EQ(lists::lookup_keys(""), (strings{}));
    EXPECT_EQ(lists::lookup_keys("localhost"), (strings{"localhost", "@localhost", "@.localhost"}));
}

TEST(ListUsers, DetailRemovedAndLowerCased) {
    EXPECT_EQ(lists::list_user("Anna+News@Example.COM"), "anna@example.com");
    EXPECT_EQ(lists::list_user("<anna+a+b@example.com>"), "anna@example.com");
    EXPECT_EQ(lists::list_user("anna-x@example.com", "-+"), "anna@example.com");
    EXPECT_EQ(lists::list_user("anna+x@example.com", ""), "anna+x@example.com");
    EXPECT_EQ(lists::list_user(""), "");
    EXPECT_EQ(lists::list_user("anna"), "");
    EXPECT_EQ(lists::list_user("a/b@example.com"), "");
    EXPECT_EQ(lists::user_list("Anna@Example.com", "Block"), "tag:sift,2026:users/anna@example.com/block");
    EXPECT_THROW(lists::user_list("nobody", "block"), list_error);
}

TEST(ListNames, PerUserResolvedForTheUserOnly) {
    EXPECT_EQ(lists::resolve("tag:sift,2026:user/allow", "anna@example.com"),
              "tag:sift,2026:users/anna@example.com/allow");
    EXPECT_EQ(lists::resolve("tag:sift,2026:user/allow", ""), "");
    EXPECT_EQ(lists::resolve("tag:sift,2026:users/bob@example.com/allow", "anna@example.com"), "");
    EXPECT_EQ(lists::resolve("TAG:SIFT,2026:USERS/bob@example.com/allow", "anna@example.com"), "");
    EXPECT_EQ(lists::resolve("tag:sift,2026:block", "anna@example.com"), "tag:sift,2026:block");
    // The prefix in any case; the kind lower-cased, the user as given.
    EXPECT_EQ(lists::resolve("Tag:Sift,2026:User/ALLOW", "anna@example.com"),
              "tag:sift,2026:users/anna@example.com/allow");
    EXPECT_EQ(lists::resolve("tag:sift,2026:user/", "anna@example.com"), "");
    EXPECT_EQ(lists::resolve("tag:sift,2026:use", "anna@example.com"), "tag:sift,2026:use");
    EXPECT_EQ(lists::list_user("ANNA.B+x@Sub.Example.COM."), "anna.b@sub.example.com");
}

class ListFiles : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("sift-list-rules-" + std::to_string(::getpid()));
        fs::create_directories(dir_ / "tag:sift,2026:users" / "anna@example.com");
        std::ofstream(dir_ / "tag:sift,2026:block") << "# global\nSpammer@Bad.example\n@Spam.example\n"
                                                       "@.junk.example\nnot an address\n";
        std::ofstream(dir_ / "tag:sift,2026:users" / "anna@example.com" / "block") << "@annoying.example\n";
        std::ofstream(dir_ / "tag:sift,2026:users" / "anna@example.com" / "allow") << "friend@example.org\n";
        lists_ = std::make_unique<lists::file_lists>(dir_.string());
        host_.set_lists(lists_.get());
    }
    void TearDown() override { fs::remove_all(dir_); }

    std::string run_for(const std::string& to, const std::string& from, const std::string& test) {
        auto s = compiled("require [\"extlists\", \"envelope\", \"fileinto\"];\n" + test);
        auto raw = "From: " + from + "\r\nTo: " + to + "\r\nSubject: x\r\n\r\nbody\r\n";
        return summary(s.run(message::from_raw(raw), envelope{.from = from, .to = to}, {.host = &host_}));
    }

    fs::path dir_;
    std::unique_ptr<lists::file_lists> lists_;
    basic_host host_;
};

TEST_F(ListFiles, EntryRules) {
    const auto& l = *lists_;
    auto block = std::string(lists::global_block);
    EXPECT_TRUE(l.contains(block, "spammer@bad.example"));
    EXPECT_TRUE(l.contains(block, "SPAMMER@BAD.EXAMPLE"));
    EXPECT_FALSE(l.contains(block, "other@bad.example"));  // an address entry is the address only
    EXPECT_TRUE(l.contains(block, "anyone@spam.example"));
    EXPECT_TRUE(l.contains(block, "Anyone@SPAM.example"));
    EXPECT_FALSE(l.contains(block, "anyone@sub.spam.example"));  // @domain: not its subdomains
    EXPECT_TRUE(l.contains(block, "anyone@junk.example"));       // @.domain: the domain too
    EXPECT_TRUE(l.contains(block, "anyone@a.b.junk.example"));   // and every subdomain
    EXPECT_FALSE(l.contains(block, "anyone@notjunk.example"));   // on label boundaries only
    EXPECT_TRUE(l.contains(block, "NOT AN ADDRESS"));            // other lines: whole values
    EXPECT_EQ(l.members(block),
              (strings{"Spammer@Bad.example", "@Spam.example", "@.junk.example", "not an address"}));
    EXPECT_TRUE(l.valid("tag:sift,2026:users/anna@example.com/allow"));
}

TEST_F(ListFiles, ScriptsAskTheirUsersLists) {
    const std::string test =
        "if address :list \"from\" \"tag:sift,2026:user/block\" { fileinto \"Blocked\"; }";
    EXPECT_EQ(run_for("anna@example.com", "x@annoying.example", test), "fileinto:Blocked");
    EXPECT_EQ(run_for("Anna+lists@EXAMPLE.com", "x@annoying.example", test), "fileinto:Blocked");
    EXPECT_EQ(run_for("bob@example.com", "x@annoying.example", test), "keep*");  // bob has no such list
    EXPECT_EQ(run_for("anna@example.com", "x@annoying.example",
                      "if valid_ext_list \"tag:sift,2026:user/allow\" { fileinto \"A\"; }"),
              "fileinto:A");
    EXPECT_EQ(run_for("bob@example.com", "x@annoying.example",
                      "if valid_ext_list \"tag:sift,2026:user/allow\" { fileinto \"A\"; }"),
              "keep*");
    // The global list by its own name, the domain form from address :domain.
    EXPECT_EQ(run_for("bob@example.com", "x@spam.example",
                      "if address :domain :list \"from\" \"tag:sift,2026:block\" { fileinto \"G\"; }"),
              "fileinto:G");
    // Another user's list cannot be named, even through a variable.
    EXPECT_NE(compile_errors("require \"extlists\";\n"
                             "if header :list \"from\" \"tag:sift,2026:users/anna@example.com/block\" { }")
                  .find("is reserved"),
              std::string::npos);
    EXPECT_EQ(run_for("bob@example.com", "x@annoying.example",
                      "require \"variables\"; set \"n\" \"tag:sift,2026:users/anna@example.com/block\";\n"
                      "if address :list \"from\" \"${n}\" { fileinto \"Leak\"; }"),
              "keep*");
}

// The names a thread resolved are kept across runs for the last recipient
// and delimiters: a change of either resolves again, the same script
// alternating between recipients, and a script naming many lists (past
// the bound of what is kept) answers as it did for each.
TEST_F(ListFiles, ResolvedNamesFollowTheRecipientAndDelimiters) {
    auto s = compiled(
        "require [\"extlists\", \"fileinto\", \"variables\"];\n"
        "if address :list \"from\" \"tag:sift,2026:user/block\" { fileinto \"Blocked\"; }");
    auto raw = std::string("From: x@annoying.example\r\nSubject: x\r\n\r\nbody\r\n");
    auto run = [&](const std::string& to, const std::string& delimiters) {
        run_options options{.host = &host_};
        options.limits.recipient_delimiters = delimiters;
        return summary(
            s.run(message::from_raw(raw), envelope{.from = "x@annoying.example", .to = to}, options));
    };
    for (int round = 0; round < 2; ++round) {
        EXPECT_EQ(run("anna+lists@example.com", "+"), "fileinto:Blocked");
        EXPECT_EQ(run("anna+lists@example.com", ""), "keep*");  // the user anna+lists@ has no list
        EXPECT_EQ(run("anna-lists@example.com", "-"), "fileinto:Blocked");
        EXPECT_EQ(run("bob@example.com", "+"), "keep*");
        EXPECT_EQ(run("anna@example.com", "+"), "fileinto:Blocked");
    }
    std::string many = "require [\"extlists\", \"fileinto\", \"variables\"];\n";
    for (int i = 0; i < 100; ++i)
        many += "set \"n\" \"tag:sift,2026:user/k" + std::to_string(i) +
                "\";\nif address :list \"from\" \"${n}\" { fileinto \"Never\"; }\n";
    many += "if address :list \"from\" \"tag:sift,2026:user/block\" { fileinto \"Blocked\"; }";
    auto m = compiled(many);
    EXPECT_EQ(
        summary(m.run(message::from_raw(raw),
                      envelope{.from = "x@annoying.example", .to = "anna@example.com"}, {.host = &host_})),
        "fileinto:Blocked");
}

TEST_F(ListFiles, ReloadSwapsTheSnapshot) {
    auto block = std::string(lists::global_block);
    EXPECT_FALSE(lists_->contains(block, "new@example.net"));
    std::ofstream(dir_ / "tag:sift,2026:block") << "new@example.net\n";
    EXPECT_FALSE(lists_->contains(block, "new@example.net"));  // the snapshot is immutable
    lists_->reload();
    EXPECT_TRUE(lists_->contains(block, "new@example.net"));
    EXPECT_FALSE(lists_->contains(block, "spammer@bad.example"));
    fs::remove_all(dir_);
    EXPECT_THROW(lists_->reload(), std::runtime_error);
    EXPECT_TRUE(lists_->contains(block, "new@example.net"));  // a failed reload keeps the old one
}

// Lookups running while the lists are reloaded see one snapshot or the
// other, never a mix: the list has 300 entries in one version and 700 in
// the other, and every members() call returns one of the two whole.
TEST_F(ListFiles, LookupsDuringAReloadSeeOneSnapshot) {
    auto write_version = [&](int n) {
        std::ofstream out(dir_ / "tag:sift,2026:allow");
        for (int i = 0; i < n; ++i) out << "user" << i << "@example.org\n";
    };
    write_version(300);
    lists_->reload();
    std::atomic<bool> done{false};
    std::atomic<int> bad{0}, seen{0};
    std::thread reader([&] {
        while (!done) {
            auto size = lists_->members("tag:sift,2026:allow").size();
            if (size != 300 && size != 700) ++bad;
            if (!lists_->contains("tag:sift,2026:allow", "user1@example.org")) ++bad;
            ++seen;
        }
    });
    for (int round = 0; round < 40; ++round) {
        write_version(round % 2 ? 300 : 700);
        lists_->reload();
    }
    done = true;
    reader.join();
    EXPECT_EQ(bad, 0);
    EXPECT_GT(seen, 0);
}

}  // namespace
}  // namespace sift::testing
