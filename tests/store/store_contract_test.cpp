// The store interface's contract, run against every backend: memory, LMDB
// (a file in a temporary directory) and Redis (a redis-server of our own).
// A backend that is missing (redis-server not installed) fails these tests.
#include <gtest/gtest.h>

#include <barrier>
#include <map>
#include <thread>

#include "store/store_test_support.hpp"

namespace sift::store::testing {
namespace {

class store_contract : public ::testing::TestWithParam<backend> {
protected:
    void SetUp() override {
        try {
            location_ = std::make_unique<backend_location>(GetParam());
        } catch (const std::exception& e) {
            FAIL() << e.what();
        }
        store_ = location_->open();
    }
    static void TearDownTestSuite() { stop_shared_redis(); }

    backend_location& location() { return *location_; }
    store& s() { return *store_; }

private:
    std::unique_ptr<backend_location> location_;
    std::unique_ptr<store> store_;
};

std::string param_name(const ::testing::TestParamInfo<backend>& info) {
    return backend_name(info.param);
}

TEST_P(store_contract, absent_key_reads_as_absent) {
    EXPECT_EQ(s().get("nothing"), std::nullopt);
    EXPECT_FALSE(s().erase("nothing"));
}

TEST_P(store_contract, put_then_get_and_overwrite) {
    s().put("k", "one", 0s);
    EXPECT_EQ(s().get("k"), "one");
    s().put("k", "two", 60s);
    EXPECT_EQ(s().get("k"), "two");
}

TEST_P(store_contract, erase_removes_a_live_value) {
    s().put("k", "v", 0s);
    EXPECT_TRUE(s().erase("k"));
    EXPECT_EQ(s().get("k"), std::nullopt);
    EXPECT_FALSE(s().erase("k"));
}

TEST_P(store_contract, put_if_absent_stores_only_once) {
    EXPECT_TRUE(s().put_if_absent("k", "first", 3600s));
    EXPECT_FALSE(s().put_if_absent("k", "second", 3600s));
    EXPECT_EQ(s().get("k"), "first");
    EXPECT_TRUE(s().erase("k"));
    EXPECT_TRUE(s().put_if_absent("k", "third", 0s));
    EXPECT_EQ(s().get("k"), "third");
}

TEST_P(store_contract, values_and_keys_are_binary_safe) {
    const std::string value("a\0b\r\n\xff\x80 end", 11);
    const std::string key("duplicate:\0id\r\n \xfe", 18);
    s().put(key, value, 0s);
    EXPECT_EQ(s().get(key), value);
    EXPECT_EQ(s().get(std::string("duplicate:", 10)), std::nullopt);  // not cut at the NUL

    std::string big(64 * 1024, '\0');
    for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 7);
    s().put("big", big, 0s);
    EXPECT_EQ(s().get("big"), big);

    s().put("empty", "", 0s);  // an empty value is a value, not an absence
    EXPECT_EQ(s().get("empty"), std::string());
    EXPECT_FALSE(s().put_if_absent("empty", "x", 0s));
}

// Redis sleeps for real here (about 1.1 s); the clock suite below covers the
// exact boundaries on the backends whose clock is injectable.
TEST_P(store_contract, expired_entries_behave_as_absent) {
    s().put("short", "v", 1s);
    s().put("forever", "v", 0s);
    s().put("cleared", "v", 1s);
    s().put("cleared", "v2", 0s);  // a put replaces the expiry as well
    EXPECT_TRUE(s().put_if_absent("seen", "v", 1s));
    s().put("erased-late", "v", 1s);
    EXPECT_EQ(s().get("short"), "v");

    location().elapse(1s);

    EXPECT_EQ(s().get("short"), std::nullopt);
    EXPECT_EQ(s().get("forever"), "v");
    EXPECT_EQ(s().get("cleared"), "v2");
    EXPECT_FALSE(s().erase("erased-late"));
    EXPECT_TRUE(s().put_if_absent("seen", "again", 0s));  // expired: replaced
    EXPECT_EQ(s().get("seen"), "again");
}

TEST_P(store_contract, key_prefix_separates_deployments) {
    auto a = location().open("site-a:");
    auto b = location().open("site-b:");
    a->put("k", "from a", 0s);
    EXPECT_EQ(b->get("k"), std::nullopt);
    EXPECT_EQ(s().get("site-a:k"), "from a");  // s() has no prefix
    EXPECT_TRUE(b->put_if_absent("k", "from b", 0s));
    EXPECT_EQ(a->get("k"), "from a");
    EXPECT_TRUE(a->erase("k"));
    EXPECT_EQ(b->get("k"), "from b");
}

TEST_P(store_contract, refuses_bad_keys_and_ttls) {
    EXPECT_THROW(s().get(""), store_error);
    EXPECT_THROW(s().put("", "v", 0s), store_error);
    EXPECT_THROW(s().put("k", "v", -1s), store_error);
    EXPECT_THROW(s().put_if_absent("k", "v", -5s), store_error);
    std::string longest(max_key_size, 'k');
    s().put(longest, "v", 0s);
    EXPECT_EQ(s().get(longest), "v");
    EXPECT_THROW(s().get(longest + "k"), store_error);
    auto prefixed = location().open("p:");
    EXPECT_THROW(prefixed->put(longest, "v", 0s), store_error);  // the prefix counts
    try {
        s().put(longest + "k", "v", 0s);
        FAIL() << "no store_error";
    } catch (const store_error& e) {
        EXPECT_NE(std::string(e.what()).find("exceeds the limit of 511"), std::string::npos) << e.what();
    }
}

// Many threads race on the same keys, some through one shared store object,
// some through stores of their own on the same location: for every key,
// exactly one put_if_absent wins and its value is what stays.
TEST_P(store_contract, put_if_absent_has_one_winner_under_contention) {
    constexpr int threads = 8;
    constexpr int keys = 100;
    std::barrier start(threads);
    std::vector<std::vector<int>> won(threads);
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            std::unique_ptr<store> own = t % 2 ? location().open() : nullptr;
            store& target = own ? *own : s();
            start.arrive_and_wait();
            for (int k = 0; k < keys; ++k) {
                if (target.put_if_absent("race:" + std::to_string(k), std::to_string(t), 3600s)) {
                    won[t].push_back(k);
                }
            }
        });
    }
    for (auto& th : pool) th.join();
    std::map<int, int> winner;
    for (int t = 0; t < threads; ++t) {
        for (int k : won[t]) {
            EXPECT_TRUE(winner.emplace(k, t).second) << "key " << k << " won twice";
        }
    }
    ASSERT_EQ(winner.size(), std::size_t{keys});
    for (auto [k, t] : winner) EXPECT_EQ(s().get("race:" + std::to_string(k)), std::to_string(t));
}

// Concurrent puts, gets and erases on distinct keys leave each thread's data
// intact (and give the sanitizers something to look at).
TEST_P(store_contract, threads_do_not_disturb_each_other) {
    constexpr int threads = 4;
    std::vector<std::thread> pool;
    std::atomic<int> mismatches{0};
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            for (int i = 0; i < 50; ++i) {
                std::string key = "t" + std::to_string(t) + ":" + std::to_string(i);
                s().put(key, key, 0s);
                if (s().get(key) != key) ++mismatches;
                if (i % 2 && !s().erase(key)) ++mismatches;
            }
        });
    }
    for (auto& th : pool) th.join();
    EXPECT_EQ(mismatches, 0);
    EXPECT_EQ(s().get("t3:48"), "t3:48");
    EXPECT_EQ(s().get("t3:49"), std::nullopt);
}

INSTANTIATE_TEST_SUITE_P(backends, store_contract,
                         ::testing::Values(backend::memory, backend::lmdb, backend::redis), param_name);

// Expiry to the second, on the backends whose clock tests can move (Redis
// expires on the server's clock: covered above with a real sleep).
class store_clock : public store_contract {};

TEST_P(store_clock, expires_exactly_at_the_ttl) {
    s().put("k", "v", 10s);
    location().elapse(9s);
    EXPECT_EQ(s().get("k"), "v");
    location().elapse(1s);
    EXPECT_EQ(s().get("k"), std::nullopt);
}

// Vacation's default period (RFC 5230 §4.1: 7 days).
TEST_P(store_clock, a_week_long_period) {
    const std::chrono::seconds week = 7 * 24h;
    EXPECT_TRUE(s().put_if_absent("vacation:anna:bob", "", week));
    location().elapse(6 * 24h);
    EXPECT_FALSE(s().put_if_absent("vacation:anna:bob", "", week));
    location().elapse(24h);
    EXPECT_TRUE(s().put_if_absent("vacation:anna:bob", "", week));
}

TEST_P(store_clock, purge_expired_removes_only_expired_entries) {
    for (int i = 0; i < 5; ++i) s().put("old" + std::to_string(i), "v", 10s);
    s().put("new", "v", 100s);
    s().put("forever", "v", 0s);
    location().elapse(10s);
    EXPECT_EQ(s().purge_expired(), 5u);
    EXPECT_EQ(s().purge_expired(), 0u);
    EXPECT_EQ(s().get("new"), "v");
    EXPECT_EQ(s().get("forever"), "v");
}

INSTANTIATE_TEST_SUITE_P(backends, store_clock, ::testing::Values(backend::memory, backend::lmdb),
                         param_name);

}  // namespace
}  // namespace sift::store::testing
