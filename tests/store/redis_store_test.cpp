// The Redis backend beyond the shared contract: what it leaves on the
// server, connection options, and the failures of a server that is down,
// silent, restarted or protected by a password. Each failure must be a
// store_error, quickly: the mail is waiting.
#include <gtest/gtest.h>

#include "store/store_test_support.hpp"

#include <sift/script.hpp>

namespace sift::store::testing {
namespace {

store_config redis_config(int port, std::string prefix = "") {
    store_config c;
    c.kind = store_kind::redis;
    c.port = port;
    c.key_prefix = std::move(prefix);
    return c;
}

// The store_error a get raises and how long it took to come.
struct failure {
    std::string message;
    std::chrono::milliseconds took;
};
failure get_failure(store& s) {
    auto start = std::chrono::steady_clock::now();
    std::string message = "(no error)";
    try {
        s.get("k");
    } catch (const store_error& e) {
        message = e.what();
    }
    return {message,
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start)};
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

class redis_store_test : public ::testing::Test {
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

TEST_F(redis_store_test, keys_carry_the_prefix_and_expiry_on_the_server) {
    auto s = open_store(redis_config(port_, "sift:"));
    s->put("vacation:anna:bob", "1", 3600s);
    EXPECT_TRUE(s->put_if_absent("duplicate:id", "1", 100s));
    s->put("forever", "1", 0s);
    raw_redis raw(port_);
    EXPECT_EQ(raw.run({"GET", "sift:vacation:anna:bob"}), "1");
    int ttl = std::stoi(raw.run({"TTL", "sift:duplicate:id"}));
    EXPECT_TRUE(ttl > 90 && ttl <= 100) << ttl;
    EXPECT_EQ(raw.run({"TTL", "sift:forever"}), "-1");
    EXPECT_EQ(raw.run({"EXISTS", "vacation:anna:bob"}), "0");
    EXPECT_EQ(s->describe(), "redis 127.0.0.1:" + std::to_string(port_));
}

TEST_F(redis_store_test, unix_socket_and_database) {
    store_config c = redis_config(0);
    c.unix_socket = shared_redis().unix_socket();
    c.database = 3;
    auto s = open_store(c);
    s->put("k", "v", 0s);
    EXPECT_EQ(s->get("k"), "v");
    EXPECT_EQ(s->describe(), "redis unix:" + c.unix_socket);
    raw_redis raw(port_);
    EXPECT_EQ(raw.run({"GET", "k"}), "(nil)");  // database 0
    raw.run({"SELECT", "3"});
    EXPECT_EQ(raw.run({"GET", "k"}), "v");
}

// Opening never connects, so a server that is down does not stop the mail
// system from starting; each operation then fails at once.
TEST_F(redis_store_test, nothing_listening_is_a_quick_store_error) {
    int port = free_port();
    auto s = open_store(redis_config(port));
    auto f = get_failure(*s);
    EXPECT_TRUE(contains(f.message, "redis 127.0.0.1:" + std::to_string(port) + ": connect: ")) << f.message;
    EXPECT_TRUE(contains(f.message, "refused")) << f.message;
    EXPECT_LT(f.took, 2s);
    EXPECT_THROW(s->put("k", "v", 0s), store_error);
    EXPECT_THROW(s->put_if_absent("k", "v", 0s), store_error);
    EXPECT_THROW(s->erase("k"), store_error);
}

// A server that accepts connections but never answers (hung, or something
// that is not Redis): the command timeout ends the wait.
TEST_F(redis_store_test, a_silent_server_times_out) {
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    ASSERT_EQ(listen(listener, 8), 0);  // the kernel completes connects; nobody reads
    ASSERT_EQ(getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len), 0);
    store_config c = redis_config(ntohs(addr.sin_port));
    c.command_timeout = 300ms;
    auto s = open_store(c);
    auto f = get_failure(*s);
    close(listener);
    EXPECT_TRUE(contains(f.message, ": GET: no reply within 300 ms")) << f.message;
    EXPECT_GE(f.took, 250ms);
    EXPECT_LT(f.took, 2s);
}

// Connections in the pool die with the server; the next command reconnects
// once and goes on. While the server is down, operations fail cleanly.
TEST_F(redis_store_test, reconnects_after_a_server_restart) {
    auto s = open_store(redis_config(port_));
    s->put("k", "v", 0s);
    shared_redis().stop();
    auto f = get_failure(*s);
    EXPECT_TRUE(contains(f.message, "redis 127.0.0.1:" + std::to_string(port_))) << f.message;
    EXPECT_LT(f.took, 2s);
    shared_redis().start();
    s->put("k", "v", 0s);  // the pool was emptied by the failure
    EXPECT_EQ(s->get("k"), "v");
    // Now a stale pooled connection: the first attempt fails, the retry works.
    shared_redis().stop();
    shared_redis().start();
    EXPECT_EQ(s->get("k"), std::nullopt);  // a fresh server: no data, no error
    EXPECT_TRUE(s->put_if_absent("k", "again", 0s));
}

// Over a unix socket, writing to a connection whose server is gone raises
// SIGPIPE at once; the store must turn that into a retry, not a dead process.
TEST_F(redis_store_test, reconnects_over_a_unix_socket_after_a_restart) {
    store_config c = redis_config(0);
    c.unix_socket = shared_redis().unix_socket();
    auto s = open_store(c);
    s->put("k", "v", 0s);
    shared_redis().stop();
    shared_redis().start();
    EXPECT_EQ(s->get("k"), std::nullopt);
    s->put("k", "v", 0s);
    shared_redis().stop();
    auto f = get_failure(*s);
    EXPECT_TRUE(contains(f.message, "redis unix:" + c.unix_socket + ": connect: ")) << f.message;
    shared_redis().start();
}

// A server that resets a pooled connection (killed with unread data, a
// proxy in between): the next command gets an error on that connection, not
// a SIGPIPE that would kill the process, and its retry gets a clean
// store_error since nothing listens any more.
TEST_F(redis_store_test, a_reset_connection_is_an_error_not_a_signal) {
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    ASSERT_EQ(listen(listener, 8), 0);
    ASSERT_EQ(getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len), 0);
    std::atomic<bool> answered{false};
    std::thread fake([&] {
        int conn = accept(listener, nullptr, nullptr);
        char buf[512];
        (void)!read(conn, buf, sizeof buf);  // the SET
        (void)!write(conn, "+OK\r\n", 5);
        while (!answered) std::this_thread::sleep_for(1ms);
        linger reset{1, 0};  // close with RST instead of FIN
        setsockopt(conn, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
        close(conn);
        close(listener);
    });
    auto s = open_store(redis_config(ntohs(addr.sin_port)));
    s->put("k", "v", 0s);
    answered = true;
    fake.join();
    std::this_thread::sleep_for(50ms);  // the RST arrives
    for (int i = 0; i < 3; ++i) {
        auto f = get_failure(*s);
        EXPECT_TRUE(contains(f.message, ": connect: ")) << f.message;
    }
}

TEST_F(redis_store_test, password_protected_server) {
    redis_server server({"--requirepass", "s3cret"});
    store_config c = redis_config(server.port());

    auto anonymous = open_store(c);
    EXPECT_TRUE(contains(get_failure(*anonymous).message, "NOAUTH")) << get_failure(*anonymous).message;

    c.password = "wrong";
    auto wrong = open_store(c);
    auto f = get_failure(*wrong);
    EXPECT_TRUE(contains(f.message, ": authentication failed: ")) << f.message;

    c.password = "s3cret";
    auto right = open_store(c);
    right->put("k", "v", 0s);
    EXPECT_EQ(right->get("k"), "v");

    c.username = "default";  // Redis 6 ACL form: AUTH user password
    EXPECT_EQ(open_store(c)->get("k"), "v");
}

// Many threads share one store's small pool: more connections are opened
// when all are busy, and no more than redis_pool_size stay open.
TEST_F(redis_store_test, pool_serves_more_threads_than_it_keeps) {
    store_config c = redis_config(port_);
    c.redis_pool_size = 2;
    auto s = open_store(c);
    std::vector<std::thread> pool;
    std::atomic<int> wins{0};
    for (int t = 0; t < 8; ++t) {
        pool.emplace_back([&] {
            for (int k = 0; k < 50; ++k) wins += s->put_if_absent("k" + std::to_string(k), "v", 60s);
        });
    }
    for (auto& th : pool) th.join();
    EXPECT_EQ(wins, 50);
    raw_redis raw(port_);
    std::string clients = raw.run({"CLIENT", "LIST"});
    std::size_t lines = 0;
    for (char ch : clients) lines += ch == '\n';
    EXPECT_LE(lines, 3u) << clients;  // two pooled + this one
}

// The engine's side of a Redis that is down: a script that asks the store
// ends with run_status::lookup_failed (not a script error), within the
// connect timeout, and the verdict follows the failure policy, so a milter
// answers 4xx instead of accepting the mail unfiltered.
TEST_F(redis_store_test, a_stopped_server_makes_a_run_a_lookup_failure_within_the_timeout) {
    store_config c = redis_config(port_);
    c.connect_timeout = 300ms;
    c.command_timeout = 300ms;
    auto s = open_store(c);
    basic_host host;
    host.set_state(s.get());
    auto script =
        sift::script::compile("require [\"duplicate\", \"fileinto\"]; if duplicate { fileinto \"dup\"; }");
    ASSERT_TRUE(script.ok());
    auto msg = sift::message::from_raw("Message-ID: <1@example.org>\r\n\r\nbody\r\n");
    sift::envelope env{.from = "a@example.org", .to = "b@example.org"};
    sift::run_options options{.failures = sift::at_mta_stage, .host = &host};
    ASSERT_TRUE(script.run(msg, env, options).ok());  // the server answers

    shared_redis().stop();
    auto start = std::chrono::steady_clock::now();
    auto r = script.run(msg, env, options);
    auto took = std::chrono::steady_clock::now() - start;
    shared_redis().start();
    EXPECT_EQ(r.status, sift::run_status::lookup_failed);
    ASSERT_FALSE(r.errors.empty());
    EXPECT_TRUE(contains(r.errors[0], "redis 127.0.0.1:" + std::to_string(port_))) << r.errors[0];
    EXPECT_EQ(r.verdict.what, sift::verdict::kind::tempfail);
    EXPECT_EQ(r.verdict.smtp_code, 451);
    EXPECT_LT(took, 2s);
}

}  // namespace
}  // namespace sift::store::testing
