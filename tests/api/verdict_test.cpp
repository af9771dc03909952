// The verdict beside the actions (sift/result.hpp) and how failures map to
// it (sift::failure_policy).
#include "test_support.hpp"

#include <sift/host.hpp>
#include <sift/store.hpp>

namespace sift::testing {
namespace {

result run_of(std::string_view source, const run_options& options = {}) {
    auto s = compiled(source);
    return s.run(message::from_raw(sample_message), default_envelope(), options);
}

verdict verdict_of(std::string_view source, const run_options& options = {}) {
    return run_of(source, options).verdict;
}

using strings = std::vector<std::string>;

TEST(verdict, deliver_lists_folders_and_redirects_once_each) {
    auto r = run_of("keep;");
    EXPECT_EQ(r.verdict.what, verdict::kind::deliver);
    EXPECT_EQ(r.folders().to_vector(), strings{"INBOX"});
    EXPECT_TRUE(r.redirects().empty());
    EXPECT_EQ(r.verdict.smtp_code, 0);

    r = run_of(
        "require [\"fileinto\", \"copy\"];\n"
        "fileinto \"A\"; redirect :copy \"b@example.org\"; fileinto \"A\"; redirect \"c@example.org\";");
    EXPECT_EQ(r.verdict.what, verdict::kind::deliver);
    EXPECT_EQ(r.folders().to_vector(), strings{"A"});
    EXPECT_EQ(r.redirects().to_vector(), (strings{"b@example.org", "c@example.org"}));
    EXPECT_EQ(r.redirects().size(), 2u);

    EXPECT_EQ(run_of("").folders().to_vector(), strings{"INBOX"});  // the implicit keep
    EXPECT_EQ(verdict_of("discard; keep;").what, verdict::kind::deliver);
}

// The views skip what an earlier action named, whatever comes between,
// and keep the order of first mention.
TEST(verdict, targets_are_each_named_once_in_action_order) {
    auto r = run_of(
        "require [\"fileinto\", \"copy\"];\n"
        "fileinto :copy \"B\"; redirect :copy \"x@example.org\"; fileinto :copy \"A\"; keep;\n"
        "fileinto :copy \"B\"; redirect :copy \"y@example.org\"; redirect :copy \"x@example.org\"; "
        "fileinto \"INBOX\";");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.folders().to_vector(), (strings{"B", "A", "INBOX"}));
    EXPECT_TRUE(r.folders() == (strings{"B", "A", "INBOX"}));
    EXPECT_FALSE(r.folders() == (strings{"B", "A"}));
    EXPECT_EQ(r.folders().size(), 3u);
    EXPECT_EQ(r.redirects().to_vector(), (strings{"x@example.org", "y@example.org"}));
    // A copy of the result reads its own actions.
    result copy = r;
    r.actions.clear();
    EXPECT_TRUE(r.folders().empty());
    EXPECT_EQ(copy.folders().to_vector(), (strings{"B", "A", "INBOX"}));
}

TEST(verdict, refuse_carries_the_reply_of_reject_and_ereject) {
    for (auto source :
         {"require \"reject\"; reject \"no thanks\";", "require \"ereject\"; ereject \"no thanks\";"}) {
        auto r = run_of(source);
        const auto& v = r.verdict;
        EXPECT_EQ(v.what, verdict::kind::refuse) << source;
        EXPECT_EQ(v.smtp_code, 550);
        EXPECT_EQ(v.enhanced_code, "5.7.1");
        EXPECT_EQ(v.text, "no thanks");
        EXPECT_TRUE(r.folders().empty());
        EXPECT_TRUE(r.redirects().empty());
    }
}

TEST(verdict, discard_is_discard_even_with_a_vacation_reply) {
    EXPECT_EQ(verdict_of("discard;").what, verdict::kind::discard);
    basic_host host;
    store::store_config config;
    config.kind = store::store_kind::memory;
    auto state = store::open_store(config);
    host.set_state(state.get());
    auto r = run_of("require \"vacation\"; vacation \"away\"; discard;", {.host = &host});
    EXPECT_EQ(r.verdict.what, verdict::kind::discard);
    EXPECT_TRUE(r.folders().empty());
}

TEST(verdict, a_runtime_error_keeps_at_delivery_time_and_tempfails_at_the_mta_stage) {
    auto failing = "require [\"fileinto\", \"ihave\"]; fileinto \"A\"; error \"boom\";";
    auto r = run_of(failing);  // at_delivery, the default
    EXPECT_EQ(r.verdict.what, verdict::kind::deliver);
    EXPECT_EQ(r.folders().to_vector(), strings{"INBOX"});

    r = run_of(failing, {.failures = at_mta_stage});
    const auto& v = r.verdict;
    EXPECT_EQ(v.what, verdict::kind::tempfail);
    EXPECT_EQ(v.smtp_code, 451);
    EXPECT_EQ(v.enhanced_code, "4.3.0");
    EXPECT_EQ(v.text.rfind("script failed: line 1: ", 0), 0u) << v.text;
    EXPECT_NE(v.text.find("boom"), std::string::npos) << v.text;
    EXPECT_TRUE(r.folders().empty());

    // A script that did not compile is a failure too.
    auto broken = script::compile("if {", "broken.sieve");
    ASSERT_FALSE(broken.ok());
    r = broken.run(message::from_raw(sample_message), default_envelope(), {.failures = at_mta_stage});
    EXPECT_EQ(r.verdict.what, verdict::kind::tempfail);
    EXPECT_EQ(summary(r), "keep*");  // the actions still keep: mail is never lost
    EXPECT_TRUE(r.folders().empty());
    r = broken.run(message::from_raw(sample_message), default_envelope());
    EXPECT_EQ(r.verdict.what, verdict::kind::deliver);
    EXPECT_EQ(r.folders().to_vector(), strings{"INBOX"});
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

// The first action lives inside the list; a second moves both to the
// heap. Copies, moves and clear keep what they hold.
TEST(actions, the_list_keeps_its_first_action_inline) {
    action_list list;
    EXPECT_TRUE(list.empty());
    list.push_back(keep_action{.implicit = true});
    ASSERT_EQ(list.size(), 1u);
    const action* first = list.data();
    EXPECT_GE(static_cast<const void*>(first), static_cast<const void*>(&list));
    EXPECT_LT(static_cast<const void*>(first), static_cast<const void*>(&list + 1));  // inline
    list.push_back(list.front());  // an element of its own, by value
    list.emplace_back(fileinto_action{.mailbox = "A", .line = 3});
    ASSERT_EQ(list.size(), 3u);
    EXPECT_TRUE(as<keep_action>(list[0]).implicit);
    EXPECT_TRUE(as<keep_action>(list[1]).implicit);
    EXPECT_EQ(as<fileinto_action>(list.back()).mailbox, "A");
    EXPECT_THROW((void)list.at(3), std::out_of_range);

    action_list copy = list;
    action_list moved = std::move(list);
    EXPECT_EQ(copy.size(), 3u);
    EXPECT_EQ(moved.size(), 3u);
    EXPECT_TRUE(list.empty());  // NOLINT(bugprone-use-after-move): a moved-from list is empty

    action_list one{redirect_action{.address = "b@example.org"}};
    action_list taken = std::move(one);
    ASSERT_EQ(taken.size(), 1u);
    EXPECT_EQ(as<redirect_action>(taken.front()).address, "b@example.org");
    EXPECT_TRUE(one.empty());  // NOLINT(bugprone-use-after-move)
    copy = taken;
    ASSERT_EQ(copy.size(), 1u);
    EXPECT_EQ(as<redirect_action>(copy[0]).address, "b@example.org");

    std::vector<action> two{discard_action{.line = 1}, discard_action{.line = 2}};
    copy = std::move(two);
    ASSERT_EQ(copy.size(), 2u);
    EXPECT_EQ(line(copy[1]), 2u);
    copy.clear();
    EXPECT_TRUE(copy.empty());
}

}  // namespace
}  // namespace sift::testing
