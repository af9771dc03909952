// RFC 6134: the :list match type, valid_ext_list and redirect :list with
// the file-backed list provider.
#include "test_support.hpp"

#include "ext/extlists/extlists.hpp"

#include <sift/site.hpp>

#include <filesystem>
#include <fstream>

namespace sift::testing {
namespace {

namespace fs = std::filesystem;

class Extlists : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("sift-extlists-" + std::to_string(::getpid()));
        fs::create_directories(dir_);
        std::ofstream(dir_ / "addrbook:personal") << "# family\nAnna@Example.com\n\nbob@example.net  \r\n";
        std::ofstream(dir_ / "tag:example.com,2010-05-28:mylist") << "x@example.org\ny@example.org\n";
        lists_ = file_list_provider(dir_.string());
        host_.set_lists(lists_.get());
    }
    void TearDown() override { fs::remove_all(dir_); }

    result evaluate(const std::string& body, const std::string& raw = sample_message) {
        auto s = compiled("require [\"extlists\", \"fileinto\", \"variables\"];\n" + body);
        return s.run(message::from_raw(raw), default_envelope(), {.host = &host_});
    }

    fs::path dir_;
    std::unique_ptr<list_provider> lists_;
    basic_host host_;
};

TEST(ExtlistsNames, Canonical) {
    EXPECT_EQ(*ext::canonical_list_name("urn:ietf:params:sieve:addrbook:personal"), ":addrbook:personal");
    EXPECT_EQ(*ext::canonical_list_name("URN:IETF:params:sieve:addrbook:x"), ":addrbook:x");
    EXPECT_EQ(*ext::canonical_list_name(":addrbook:personal"), ":addrbook:personal");
    EXPECT_EQ(*ext::canonical_list_name("tag:example.com,2010-05-28:mylist"),
              "tag:example.com,2010-05-28:mylist");
    EXPECT_FALSE(ext::canonical_list_name("no scheme here"));
    EXPECT_FALSE(ext::canonical_list_name("addrbook"));
}

TEST_F(Extlists, ListMatchCaseInsensitiveWithMatchVariable) {
    auto r = evaluate(
        "if address :list \"from\" \"urn:ietf:params:sieve:addrbook:personal\" "
        "{ fileinto \"${0}\"; }");
    EXPECT_EQ(summary(r), "fileinto:anna@example.com");
    EXPECT_EQ(summary(evaluate("if address :list \"from\" \":addrbook:personal\" { fileinto \"F\"; }")),
              "fileinto:F");
    EXPECT_EQ(summary(evaluate("if address :list \"to\" \":addrbook:nothere\" { fileinto \"F\"; }")),
              "keep*");
}

TEST_F(Extlists, ValidExtList) {
    EXPECT_EQ(summary(evaluate("if valid_ext_list [\":addrbook:personal\", "
                               "\"tag:example.com,2010-05-28:mylist\"] { fileinto \"ok\"; }")),
              "fileinto:ok");
    EXPECT_EQ(
        summary(evaluate("if valid_ext_list [\":addrbook:personal\", \"frop:666\"] { fileinto \"ok\"; }")),
        "keep*");
}

TEST_F(Extlists, RedirectToEveryMember) {
    auto r = evaluate("redirect :list \"tag:example.com,2010-05-28:mylist\";");
    EXPECT_EQ(summary(r), "redirect:x@example.org; redirect:y@example.org");
    auto unknown = evaluate("redirect :list \":addrbook:nothere\";");
    EXPECT_FALSE(unknown.ok());
}

// :copy applies to every member's redirect, and to nothing after them.
TEST_F(Extlists, RedirectCopyToEveryMember) {
    auto s = compiled(
        "require [\"extlists\", \"copy\"];\n"
        "redirect :copy :list \"tag:example.com,2010-05-28:mylist\";\nredirect \"z@example.org\";");
    auto r = s.run(message::from_raw(sample_message), default_envelope(), {.host = &host_});
    ASSERT_TRUE(r.ok()) << r.errors.front();
    EXPECT_EQ(summary(r), "redirect:x@example.org; redirect:y@example.org; redirect:z@example.org");
    EXPECT_TRUE(as<redirect_action>(r.actions[0]).copy);
    EXPECT_TRUE(as<redirect_action>(r.actions[1]).copy);
    EXPECT_FALSE(as<redirect_action>(r.actions[2]).copy);
}

// RFC 6134 §2.5: valid_ext_list is false for a name that is not valid,
// a constant one too (a warning says so), as for one from a variable.
TEST_F(Extlists, ValidExtListOfAConstantThatIsNotAUriIsFalse) {
    auto s = script::compile(
        "require [\"extlists\", \"fileinto\"];\nif valid_ext_list \"addrbook\" { fileinto \"ok\"; }");
    ASSERT_TRUE(s.ok()) << format(s.errors());
    ASSERT_EQ(s.warnings().size(), 1u);
    EXPECT_EQ(s.warnings()[0].line, 2u);
    EXPECT_EQ(summary(s.run(message::from_raw(sample_message), default_envelope(), {.host = &host_})),
              "keep*");
    EXPECT_EQ(summary(evaluate("set \"n\" \"addrbook\"; if valid_ext_list \"${n}\" { fileinto \"ok\"; }")),
              "keep*");
}

TEST_F(Extlists, CompileErrors) {
    EXPECT_NE(compile_errors("require \"extlists\";\nif header :list \"from\" \"not a uri\" { }")
                  .find("invalid list name"),
              std::string::npos);
    EXPECT_NE(compile_errors("require \"extlists\";\nredirect :list \"bad name\";").find("invalid list name"),
              std::string::npos);
}

TEST(ExtlistsNoProvider, IsARuntimeError) {
    auto s = compiled("require \"extlists\";\nif header :list \"from\" \":addrbook:x\" { discard; }");
    auto r = s.run(message::from_raw(sample_message), default_envelope());
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(summary(r), "keep*");
}

// sift::no_list_provider()'s lists are known to hold nothing, so :list
// answers false without asking; any other provider is asked.
TEST(ExtlistsNoLists, NoListProviderIsAnsweredWithoutAsking) {
    struct everything final : list_provider {
        bool valid(std::string_view) const override { return true; }
        bool contains(std::string_view, std::string_view) const override { return true; }
        std::vector<std::string> members(std::string_view) const override { return {}; }
    };
    auto none = no_list_provider();
    everything all;
    EXPECT_TRUE(ext::holds_no_lists(*none));
    EXPECT_FALSE(ext::holds_no_lists(all));
    auto s = compiled(
        "require [\"extlists\", \"fileinto\", \"variables\"];\n"
        "if address :list \"from\" [\"tag:sift,2026:user/allow\", \":addrbook:x\"] { fileinto \"${0}\"; }\n"
        "if valid_ext_list \":addrbook:x\" { fileinto \"Valid\"; }");
    basic_host host;
    host.set_lists(none.get());
    auto r = s.run(message::from_raw(sample_message), default_envelope(), {.host = &host});
    EXPECT_TRUE(r.ok());
    EXPECT_EQ(summary(r), "keep*");
    host.set_lists(&all);
    r = s.run(message::from_raw(sample_message), default_envelope(), {.host = &host});
    EXPECT_TRUE(r.ok());
    EXPECT_EQ(summary(r).substr(0, 9), "fileinto:");
    EXPECT_NE(summary(r).find("fileinto:Valid"), std::string::npos);
}

TEST(ExtlistsFileProvider, MissingDirectoryThrows) {
    EXPECT_THROW(file_list_provider("/nonexistent/sift-lists"), std::runtime_error);
}

}  // namespace
}  // namespace sift::testing
