// Allow and block lists in an LMDB file (sift::lists::open_list_store):
// the entry rules through the store, changes, persistence, the state store
// sharing the file, and bad input refused before anything changes.
#include <gtest/gtest.h>

#include <sift/lists.hpp>

#include "store/store_test_support.hpp"

#include <atomic>
#include <thread>

namespace sift::store::testing {
namespace {

using strings = std::vector<std::string>;

store_config lists_config(const temp_dir& dir) {
    store_config c;
    c.kind = store_kind::lmdb;
    c.path = (dir.path() / "state.mdb").string();
    c.lmdb_map_size = std::size_t{16} << 20;
    return c;
}

TEST(lmdb_lists, entry_rules) {
    temp_dir dir;
    auto l = lists::open_list_store(lists_config(dir));
    const std::string block(lists::global_block);
    EXPECT_FALSE(l->valid(block));
    EXPECT_EQ(
        l->add(block, {"Spammer@Bad.example", "@Spam.example", "@.junk.example", "spammer@bad.example"}), 3u);
    EXPECT_TRUE(l->valid(block));
    EXPECT_TRUE(l->valid("TAG:SIFT,2026:BLOCK"));
    EXPECT_TRUE(l->contains(block, "SPAMMER@bad.EXAMPLE"));
    EXPECT_FALSE(l->contains(block, "other@bad.example"));
    EXPECT_TRUE(l->contains(block, "x@spam.example"));
    EXPECT_FALSE(l->contains(block, "x@sub.spam.example"));
    EXPECT_TRUE(l->contains(block, "x@junk.example"));
    EXPECT_TRUE(l->contains(block, "x@deep.sub.junk.example"));
    EXPECT_FALSE(l->contains(block, "x@notjunk.example"));
    EXPECT_TRUE(l->contains(block, "spam.example"));  // a bare domain
    EXPECT_FALSE(l->contains("tag:sift,2026:allow", "x@spam.example"));
    // In key order, canonical.
    EXPECT_EQ(l->members(block), (strings{"@.junk.example", "@spam.example", "spammer@bad.example"}));
}

TEST(lmdb_lists, remove_replace_and_persistence) {
    temp_dir dir;
    const auto user = lists::user_list("anna@example.com", "allow");
    {
        auto l = lists::open_list_store(lists_config(dir));
        l->add(user, {"a@example.org", "b@example.org", "@c.example"});
        EXPECT_EQ(l->remove(user, {"B@example.org", "nothere@example.org"}), 1u);
        EXPECT_EQ(l->members(user), (strings{"@c.example", "a@example.org"}));
    }
    auto l = lists::open_list_store(lists_config(dir));
    EXPECT_EQ(l->members(user), (strings{"@c.example", "a@example.org"}));
    l->replace(user, {"z@example.org"});
    EXPECT_EQ(l->members(user), (strings{"z@example.org"}));
    EXPECT_FALSE(l->contains(user, "a@example.org"));
    l->replace(user, {});
    EXPECT_TRUE(l->valid(user));  // an empty list still exists
    EXPECT_EQ(l->members(user), (strings{}));
    // Another user's list, and lists whose names share a prefix, stay apart.
    l->add(lists::user_list("anna@example.com.au", "allow"), {"q@example.org"});
    EXPECT_FALSE(l->contains(user, "q@example.org"));
}

TEST(lmdb_lists, a_bad_entry_changes_nothing) {
    temp_dir dir;
    auto l = lists::open_list_store(lists_config(dir));
    const std::string allow(lists::global_allow);
    try {
        l->add(allow, {"good@example.com", "bad entry"});
        FAIL() << "accepted a bad entry";
    } catch (const lists::list_error& e) {
        EXPECT_STREQ(e.what(), "entry 'bad entry' holds a space or a control character");
    }
    EXPECT_FALSE(l->valid(allow));
    EXPECT_FALSE(l->contains(allow, "good@example.com"));
    EXPECT_THROW(l->add("bad name", {"a@example.com"}), lists::list_error);
    EXPECT_THROW(l->add(lists::user_list(std::string(240, 'u') + "@example.com", "allow"),
                        {std::string(240, 'a') + "@example.com"}),
                 lists::list_error);
}

TEST(lmdb_lists, share_the_file_with_the_state_store) {
    temp_dir dir;
    auto config = lists_config(dir);
    fake_clock clock;
    config.clock = clock.function();
    auto state = open_store(config);
    auto l = lists::open_list_store(config);
    l->add(std::string(lists::global_block), {"@spam.example"});
    state->put("vacation:x", "1", 60s);
    clock.advance(120s);
    EXPECT_EQ(state->purge_expired(), 1u);  // list entries never expire
    EXPECT_TRUE(l->contains(std::string(lists::global_block), "a@spam.example"));
    // Key prefixes separate tenants' lists as they separate their state.
    auto other = config;
    other.key_prefix = "site-b:";
    EXPECT_FALSE(lists::open_list_store(other)->valid(std::string(lists::global_block)));
}

TEST(lmdb_lists, a_full_map_is_a_store_error) {
    temp_dir dir;
    auto config = lists_config(dir);
    config.path = (dir.path() / "small.mdb").string();
    config.lmdb_map_size = std::size_t{64} << 10;
    auto l = lists::open_list_store(config);
    strings many;
    for (int i = 0; i < 5000; ++i) many.push_back("user" + std::to_string(i) + "@example.com");
    try {
        l->add("tag:sift,2026:block", many);
        FAIL() << "a 64 KiB map held 5000 entries";
    } catch (const store_error& e) {
        EXPECT_NE(std::string(e.what()).find("the database is full"), std::string::npos) << e.what();
    }
    EXPECT_FALSE(l->valid("tag:sift,2026:block"));  // the whole change or nothing
}

// A replace is one write transaction: readers on other threads see the old
// list or the new one whole (500 or 1500 entries), never part of either.
TEST(lmdb_lists, readers_see_a_replace_whole) {
    temp_dir dir;
    auto l = lists::open_list_store(lists_config(dir));
    auto version = [](int n, const std::string& domain) {
        strings v;
        for (int i = 0; i < n; ++i) v.push_back("user" + std::to_string(i) + "@" + domain);
        return v;
    };
    const std::string allow(lists::global_allow);
    l->replace(allow, version(500, "a.example"));
    std::atomic<bool> done{false};
    std::atomic<int> bad{0}, seen{0};
    std::thread reader([&] {
        while (!done) {
            auto m = l->members(allow);
            if (m.size() != 500 && m.size() != 1500) ++bad;
            // one version's domain throughout
            else if (m.front().substr(m.front().find('@')) != m.back().substr(m.back().find('@')))
                ++bad;
            ++seen;
        }
    });
    for (int round = 0; round < 20; ++round)
        l->replace(allow, round % 2 ? version(500, "a.example") : version(1500, "b.example"));
    done = true;
    reader.join();
    EXPECT_EQ(bad, 0);
    EXPECT_GT(seen, 0);
}

TEST(lmdb_lists, a_bad_path_is_a_store_error) {
    store_config c;
    c.kind = store_kind::lmdb;
    c.path = "/nonexistent/dir/state.mdb";
    EXPECT_THROW(lists::open_list_store(c), store_error);
}

}  // namespace
}  // namespace sift::store::testing
