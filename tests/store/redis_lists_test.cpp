// Allow and block lists on a Redis server (sift::lists::open_list_store with
// kind redis): the entry rules through the server, what it keeps there, the
// atomic replace, and a server that is down or silent: a lookup failure
// (store_error, a sift::lookup_error) within the timeouts, which makes a run
// run_status::lookup_failed so that a milter answers 4xx. The tests start
// their own redis-server (store_test_support.hpp).
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <sift/lists.hpp>
#include <sift/script.hpp>

#include "store/store_test_support.hpp"

namespace sift::store::testing {
namespace {

using strings = std::vector<std::string>;

store_config redis_lists_config(int port, std::string prefix = "") {
    store_config c;
    c.kind = store_kind::redis;
    c.port = port;
    c.key_prefix = std::move(prefix);
    return c;
}

class redis_lists_test : public ::testing::Test {
protected:
    void SetUp() override {
        try {
            port_ = shared_redis().port();
        } catch (const std::exception& e) {
            FAIL() << e.what();
        }
        raw_redis(port_).run({"FLUSHALL"});
    }
    static void TearDownTestSuite() { stop_shared_redis(); }
    int port_ = 0;
};

TEST_F(redis_lists_test, entry_rules) {
    auto l = lists::open_list_store(redis_lists_config(port_));
    const std::string block(lists::global_block);
    EXPECT_FALSE(l->valid(block));
    EXPECT_EQ(
        l->add(block, {"Spammer@Bad.example", "@Spam.example", "@.junk.example", "spammer@bad.example"}), 3u);
    EXPECT_EQ(l->add(block, {"@spam.example", "new@example.org"}), 1u);
    EXPECT_TRUE(l->valid(block));
    EXPECT_TRUE(l->valid("TAG:SIFT,2026:BLOCK"));
    EXPECT_TRUE(l->contains(block, "SPAMMER@bad.EXAMPLE"));
    EXPECT_FALSE(l->contains(block, "other@bad.example"));
    EXPECT_TRUE(l->contains(block, "x@spam.example"));
    EXPECT_FALSE(l->contains(block, "x@sub.spam.example"));
    EXPECT_TRUE(l->contains(block, "x@junk.example"));
    EXPECT_TRUE(l->contains(block, "x@deep.sub.junk.example"));
    EXPECT_FALSE(l->contains(block, "x@notjunk.example"));
    EXPECT_FALSE(l->contains(block, ""));
    EXPECT_FALSE(l->contains("tag:sift,2026:allow", "x@spam.example"));
    EXPECT_EQ(l->members(block),
              (strings{"@.junk.example", "@spam.example", "new@example.org", "spammer@bad.example"}));
    EXPECT_EQ(l->describe(), "redis 127.0.0.1:" + std::to_string(port_));
}

TEST_F(redis_lists_test, what_the_server_keeps) {
    auto l = lists::open_list_store(redis_lists_config(port_, "site-a:"));
    const auto user = lists::user_list("Anna@Example.com", "allow");
    l->add(user, {"Friend@Example.org"});
    raw_redis raw(port_);
    const std::string key = "site-a:list:tag:sift,2026:users/anna@example.com/allow";
    EXPECT_EQ(raw.run({"TYPE", key}), "set");
    EXPECT_EQ(raw.run({"SISMEMBER", key, "friend@example.org"}), "1");
    EXPECT_EQ(raw.run({"SCARD", key}), "2");  // the entry and the marker ""
    EXPECT_EQ(l->remove(user, {"friend@example.org", "nobody@example.org"}), 1u);
    EXPECT_TRUE(l->valid(user));  // an emptied list still exists
    EXPECT_EQ(l->members(user), strings{});
    // Another prefix is another tenant.
    EXPECT_FALSE(lists::open_list_store(redis_lists_config(port_))->valid(user));
}

TEST_F(redis_lists_test, replace_swaps_the_whole_list) {
    auto l = lists::open_list_store(redis_lists_config(port_));
    const std::string allow(lists::global_allow);
    l->add(allow, {"a@example.org", "b@example.org"});
    strings many;
    for (int i = 0; i < 25000; ++i) many.push_back("user" + std::to_string(i) + "@example.net");  // 3 batches
    l->replace(allow, many);
    EXPECT_FALSE(l->contains(allow, "a@example.org"));
    EXPECT_TRUE(l->contains(allow, "user24999@example.net"));
    EXPECT_EQ(l->members(allow).size(), 25000u);
    raw_redis raw(port_);
    EXPECT_EQ(raw.run({"TTL", "list:tag:sift,2026:allow"}), "-1");  // the import set's expiry is gone
    EXPECT_EQ(raw.run({"DBSIZE"}), "1");                            // no import set left behind
    l->replace(allow, {});
    EXPECT_TRUE(l->valid(allow));
    EXPECT_EQ(l->members(allow), strings{});
}

TEST_F(redis_lists_test, a_bad_entry_changes_nothing) {
    auto l = lists::open_list_store(redis_lists_config(port_));
    EXPECT_THROW(l->add("tag:sift,2026:allow", {"good@example.com", "@"}), lists::list_error);
    EXPECT_FALSE(l->valid("tag:sift,2026:allow"));
    EXPECT_THROW(l->replace("bad name", {}), lists::list_error);
}

TEST_F(redis_lists_test, nothing_listening_is_a_quick_lookup_error) {
    int port = free_port();
    auto l = lists::open_list_store(redis_lists_config(port));  // does not connect
    auto start = std::chrono::steady_clock::now();
    try {
        l->contains("tag:sift,2026:block", "a@example.com");
        FAIL() << "no error";
    } catch (const lookup_error& e) {
        EXPECT_NE(std::string(e.what()).find("redis 127.0.0.1:" + std::to_string(port) + ": connect: "),
                  std::string::npos)
            << e.what();
    }
    EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
    EXPECT_THROW(l->add("tag:sift,2026:block", {"a@example.com"}), store_error);
}

TEST_F(redis_lists_test, a_silent_server_times_out) {
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    ASSERT_EQ(listen(listener, 8), 0);
    ASSERT_EQ(getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len), 0);
    auto c = redis_lists_config(ntohs(addr.sin_port));
    c.command_timeout = 300ms;
    auto l = lists::open_list_store(c);
    std::string message = "(no error)";
    auto start = std::chrono::steady_clock::now();
    try {
        l->contains("tag:sift,2026:block", "a@example.com");
    } catch (const store_error& e) {
        message = e.what();
    }
    auto took = std::chrono::steady_clock::now() - start;
    close(listener);
    EXPECT_NE(message.find(": SMISMEMBER: no reply within 300 ms"), std::string::npos) << message;
    EXPECT_GE(took, 250ms);
    EXPECT_LT(took, 2s);
}

// The engine's side: a script asking a list on a Redis that is down ends
// with run_status::lookup_failed, and the verdict is a tempfail (4xx).
TEST_F(redis_lists_test, a_stopped_server_makes_a_run_a_lookup_failure) {
    auto c = redis_lists_config(port_);
    c.connect_timeout = 300ms;
    c.command_timeout = 300ms;
    auto l = lists::open_list_store(c);
    l->add(lists::user_list("bob@example.org", "block"), {"@example.org"});
    basic_host host;
    host.set_lists(l.get());
    auto script = sift::script::compile(
        "require [\"extlists\", \"envelope\", \"fileinto\"];\n"
        "if envelope :list \"from\" \"tag:sift,2026:user/block\" { fileinto \"Blocked\"; }");
    ASSERT_TRUE(script.ok());
    auto msg = sift::message::from_raw("Subject: x\r\n\r\nbody\r\n");
    sift::envelope env{.from = "a@example.org", .to = "Bob+shop@example.org"};
    sift::run_options options{.failures = sift::at_mta_stage, .host = &host};
    auto ok = script.run(msg, env, options);
    ASSERT_TRUE(ok.ok());
    ASSERT_EQ(ok.actions.size(), 1u);
    ASSERT_TRUE(std::holds_alternative<sift::fileinto_action>(ok.actions.front()));
    EXPECT_EQ(std::get<sift::fileinto_action>(ok.actions.front()).mailbox, "Blocked");

    shared_redis().stop();
    auto start = std::chrono::steady_clock::now();
    auto r = script.run(msg, env, options);
    auto took = std::chrono::steady_clock::now() - start;
    shared_redis().start();
    EXPECT_EQ(r.status, sift::run_status::lookup_failed);
    ASSERT_FALSE(r.errors.empty());
    EXPECT_NE(r.errors[0].find("redis 127.0.0.1:" + std::to_string(port_)), std::string::npos) << r.errors[0];
    EXPECT_EQ(r.verdict.what, sift::verdict::kind::tempfail);
    EXPECT_LT(took, 2s);
}

}  // namespace
}  // namespace sift::store::testing
