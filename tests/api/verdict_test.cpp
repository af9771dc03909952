// The verdict beside the actions (sift/result.hpp) and how failures map to
// it (sift::failure_policy).
#include "test_support.hpp"

#include <sift/host.hpp>
#include <sift/store.hpp>

namespace sift::testing {
namespace {

verdict verdict_of(std::string_view source, const run_options& options = {}) {
    auto s = compiled(source);
    return s.run(message::from_raw(sample_message), default_envelope(), options).verdict;
}

using strings = std::vector<std::string>;

TEST(verdict, deliver_lists_folders_and_redirects_once_each) {
    auto v = verdict_of("keep;");
    EXPECT_EQ(v.what, verdict::kind::deliver);
    EXPECT_EQ(v.folders, strings{"INBOX"});
    EXPECT_TRUE(v.redirects.empty());
    EXPECT_EQ(v.smtp_code, 0);

    v = verdict_of(
        "require [\"fileinto\", \"copy\"];\n"
        "fileinto \"A\"; redirect :copy \"b@example.org\"; fileinto \"A\"; redirect \"c@example.org\";");
    EXPECT_EQ(v.what, verdict::kind::deliver);
    EXPECT_EQ(v.folders, strings{"A"});
    EXPECT_EQ(v.redirects, (strings{"b@example.org", "c@example.org"}));

    EXPECT_EQ(verdict_of("").folders, strings{"INBOX"});  // the implicit keep
    EXPECT_EQ(verdict_of("discard; keep;").what, verdict::kind::deliver);
}

TEST(verdict, refuse_carries_the_reply_of_reject_and_ereject) {
    for (auto source :
         {"require \"reject\"; reject \"no thanks\";", "require \"ereject\"; ereject \"no thanks\";"}) {
        auto v = verdict_of(source);
        EXPECT_EQ(v.what, verdict::kind::refuse) << source;
        EXPECT_EQ(v.smtp_code, 550);
        EXPECT_EQ(v.enhanced_code, "5.7.1");
        EXPECT_EQ(v.text, "no thanks");
        EXPECT_TRUE(v.folders.empty());
    }
}

TEST(verdict, discard_is_discard_even_with_a_vacation_reply) {
    EXPECT_EQ(verdict_of("discard;").what, verdict::kind::discard);
    basic_host host;
    store::store_config config;
    config.kind = store::store_kind::memory;
    auto state = store::open_store(config);
    host.set_state(state.get());
    auto v = verdict_of("require \"vacation\"; vacation \"away\"; discard;", {.host = &host});
    EXPECT_EQ(v.what, verdict::kind::discard);
    EXPECT_TRUE(v.folders.empty());
}

TEST(verdict, a_runtime_error_keeps_at_delivery_time_and_tempfails_at_the_mta_stage) {
    auto failing = "require [\"fileinto\", \"ihave\"]; fileinto \"A\"; error \"boom\";";
    auto v = verdict_of(failing);  // at_delivery, the default
    EXPECT_EQ(v.what, verdict::kind::deliver);
    EXPECT_EQ(v.folders, strings{"INBOX"});

    v = verdict_of(failing, {.failures = at_mta_stage});
    EXPECT_EQ(v.what, verdict::kind::tempfail);
    EXPECT_EQ(v.smtp_code, 451);
    EXPECT_EQ(v.enhanced_code, "4.3.0");
    EXPECT_EQ(v.text.rfind("script failed: line 1: ", 0), 0u) << v.text;
    EXPECT_NE(v.text.find("boom"), std::string::npos) << v.text;
    EXPECT_TRUE(v.folders.empty());

    // A script that did not compile is a failure too.
    auto broken = script::compile("if {", "broken.sieve");
    ASSERT_FALSE(broken.ok());
    auto r = broken.run(message::from_raw(sample_message), default_envelope(), {.failures = at_mta_stage});
    EXPECT_EQ(r.verdict.what, verdict::kind::tempfail);
    EXPECT_EQ(summary(r), "keep*");  // the actions still keep: mail is never lost
}

TEST(verdict, each_kind_of_failure_has_its_own_setting) {
    basic_host host;
    struct refusing_lists : list_provider {
        bool valid(std::string_view) const override { throw lookup_error("list server down"); }
        bool contains(std::string_view, std::string_view) const override {
            throw lookup_error("list server down");
        }
        std::vector<std::string> members(std::string_view) const override {
            throw lookup_error("list server down");
        }
    } lists;
    host.set_lists(&lists);
    const failure_policy lookups_only{.on_runtime_error = failure_mode::keep,
                                      .on_lookup_failure = failure_mode::tempfail};
    run_options options{.failures = lookups_only, .host = &host};
    auto v = verdict_of("require \"extlists\"; if valid_ext_list \":addrbook:x\" { discard; }", options);
    EXPECT_EQ(v.what, verdict::kind::tempfail);
    EXPECT_NE(v.text.find("lookup failed: "), std::string::npos) << v.text;
    EXPECT_NE(v.text.find("list server down"), std::string::npos) << v.text;
    v = verdict_of("require \"ihave\"; error \"boom\";", options);
    EXPECT_EQ(v.what, verdict::kind::deliver);
    EXPECT_EQ(name(verdict::kind::tempfail), "tempfail");
}

// Each kind is its own struct, built by name; kind(), name() and line()
// read any of them.
TEST(actions, each_kind_is_its_own_struct) {
    std::vector<action> all{keep_action{.implicit = true},
                            fileinto_action{.mailbox = "A", .copy = true, .line = 2},
                            redirect_action{.address = "b@example.org", .line = 3},
                            discard_action{.line = 4},
                            reject_action{.reason = "no", .line = 5},
                            reject_action{.reason = "no", .extended = true, .line = 6},
                            vacation_action{.recipient = "c@example.org", .line = 7},
                            notify_action{.method = "mailto:d@example.org", .line = 8}};
    std::vector<std::string> names;
    std::vector<unsigned> lines;
    for (const auto& a : all) {
        names.emplace_back(name(a));
        lines.push_back(line(a));
    }
    EXPECT_EQ(names, (strings{"keep", "fileinto", "redirect", "discard", "reject", "ereject", "vacation",
                              "notify"}));
    EXPECT_EQ(lines, (std::vector<unsigned>{0, 2, 3, 4, 5, 6, 7, 8}));
    EXPECT_EQ(kind(all[5]), action_kind::ereject);
    EXPECT_EQ(as<keep_action>(all[0]).mailbox, "INBOX");
}

}  // namespace
}  // namespace sift::testing
