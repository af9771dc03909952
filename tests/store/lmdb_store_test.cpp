// The LMDB backend beyond the shared contract: persistence, sharing between
// processes, and the failures an administrator can cause (a bad path, a
// corrupt file, a full map).
#include <gtest/gtest.h>
#include <lmdb.h>

#include <fstream>
#include <random>

#include "store/store_test_support.hpp"

namespace sift::store::testing {
namespace {

store_config lmdb_config(std::string path, const fake_clock& clock = {}) {
    store_config c;
    c.kind = store_kind::lmdb;
    c.path = std::move(path);
    c.lmdb_map_size = std::size_t{16} << 20;
    c.clock = clock.function();
    return c;
}

// The store_error message, or "" when opening and using the store worked.
std::string open_error(const store_config& c) {
    try {
        open_store(c)->put("k", "v", 0s);
        return "";
    } catch (const store_error& e) {
        return e.what();
    }
}

TEST(lmdb_store, is_the_default_kind) {
    EXPECT_EQ(store_config{}.kind, store_kind::lmdb);
}

TEST(lmdb_store, data_and_expiry_survive_reopening) {
    temp_dir dir;
    fake_clock clock;
    auto c = lmdb_config(dir / "state.mdb", clock);
    {
        auto s = open_store(c);
        s->put("kept", "v", 0s);
        s->put("expiring", "v", 60s);
    }  // the last store closes the environment
    EXPECT_TRUE(std::filesystem::exists(dir / "state.mdb"));
    EXPECT_TRUE(std::filesystem::exists(dir / "state.mdb-lock"));
    auto s = open_store(c);
    EXPECT_EQ(s->get("kept"), "v");
    EXPECT_EQ(s->get("expiring"), "v");
    clock.advance(60s);
    EXPECT_EQ(s->get("expiring"), std::nullopt);
}

TEST(lmdb_store, an_existing_directory_holds_data_mdb) {
    temp_dir dir;
    auto s = open_store(lmdb_config(dir.path().string()));
    s->put("k", "v", 0s);
    EXPECT_TRUE(std::filesystem::exists(dir / "data.mdb"));
    EXPECT_TRUE(std::filesystem::exists(dir / "lock.mdb"));
    EXPECT_EQ(s->describe(), "lmdb " + dir.path().string());
}

// Two spellings of one file share the process's single environment.
TEST(lmdb_store, stores_on_one_file_share_an_environment) {
    temp_dir dir;
    auto a = open_store(lmdb_config(dir / "state.mdb"));
    auto b = open_store(lmdb_config((dir.path() / "." / "state.mdb").string()));
    a->put("k", "v", 0s);
    EXPECT_EQ(b->get("k"), "v");
    a.reset();  // closing one leaves the other working
    EXPECT_TRUE(b->put_if_absent("k2", "v", 0s));
    EXPECT_EQ(b->get("k2"), "v");
}

// Processes race through LMDB's own lock: children forked from a parent
// that already has the file open (as a pre-forking server would) open it
// again, and of all their put_if_absent calls on one key exactly one wins.
TEST(lmdb_store, put_if_absent_has_one_winner_across_processes) {
    constexpr int children = 4;
    constexpr int keys = 200;
    temp_dir dir;
    auto c = lmdb_config(dir / "state.mdb");
    auto parent_store = open_store(c);
    parent_store->put("opened-before-fork", "v", 0s);

    int go[2], results[2];
    ASSERT_EQ(pipe(go), 0);
    ASSERT_EQ(pipe(results), 0);
    std::vector<pid_t> pids;
    for (int child = 0; child < children; ++child) {
        pid_t pid = fork();
        ASSERT_GE(pid, 0);
        if (pid == 0) {
            close(go[1]);
            char byte;
            (void)!read(go[0], &byte, 1);  // returns at EOF: everyone starts together
            int wins = 0;
            try {
                auto s = open_store(c);
                for (int k = 0; k < keys; ++k) {
                    wins += s->put_if_absent("race:" + std::to_string(k), std::to_string(child), 0s);
                }
            } catch (...) {
                _exit(2);
            }
            (void)!write(results[1], &wins, sizeof wins);
            _exit(0);
        }
        pids.push_back(pid);
    }
    close(go[0]);
    close(go[1]);
    close(results[1]);
    for (pid_t pid : pids) {
        int status = 0;
        ASSERT_EQ(waitpid(pid, &status, 0), pid);
        EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child status " << status;
    }
    std::vector<int> wins(children, 0);
    int total = 0;
    for (int i = 0; i < children; ++i) {
        int w = 0;
        ASSERT_EQ(read(results[0], &w, sizeof w), ssize_t(sizeof w));
        total += w;
    }
    close(results[0]);
    EXPECT_EQ(total, keys);

    std::vector<int> by_value(children, 0);
    for (int k = 0; k < keys; ++k) {
        auto v = parent_store->get("race:" + std::to_string(k));
        ASSERT_TRUE(v) << k;
        int owner = std::stoi(*v);
        ASSERT_TRUE(owner >= 0 && owner < children);
        ++by_value[owner];
    }
    int sum = 0;
    for (int n : by_value) sum += n;
    EXPECT_EQ(sum, keys);
    EXPECT_EQ(parent_store->get("opened-before-fork"), "v");
}

TEST(lmdb_store, bad_paths_are_store_errors) {
    temp_dir dir;
    std::ofstream(dir / "plain-file") << "x";
    std::string under_file = open_error(lmdb_config(dir / "plain-file/state.mdb"));
    EXPECT_NE(under_file.find("lmdb " + (dir / "plain-file/state.mdb") + ": cannot open"), std::string::npos)
        << under_file;
    std::string missing_parent = open_error(lmdb_config(dir / "no/such/dir/state.mdb"));
    EXPECT_NE(missing_parent.find("No such file or directory"), std::string::npos) << missing_parent;
    EXPECT_EQ(open_error(lmdb_config("")), "lmdb: no path configured");
    if (geteuid() != 0) {  // root writes anywhere
        std::filesystem::create_directory(dir / "read-only");
        std::filesystem::permissions(dir / "read-only",
                                     std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
        EXPECT_NE(open_error(lmdb_config(dir / "read-only/state.mdb")), "");
    }
}

TEST(lmdb_store, a_file_that_is_not_lmdb_is_a_store_error) {
    temp_dir dir;
    std::mt19937 random(42);
    std::string garbage(16384, '\0');
    for (char& ch : garbage) ch = static_cast<char>(random());
    std::ofstream(dir / "state.mdb", std::ios::binary) << garbage;
    std::string error = open_error(lmdb_config(dir / "state.mdb"));
    EXPECT_NE(error.find("lmdb " + (dir / "state.mdb") + ": cannot open: "), std::string::npos) << error;

    std::ofstream(dir / "short.mdb") << "not a database";
    EXPECT_NE(open_error(lmdb_config(dir / "short.mdb")), "");
}

// An entry another program wrote in some other format.
TEST(lmdb_store, a_corrupt_entry_is_a_store_error_and_can_be_erased) {
    temp_dir dir;
    std::string path = dir / "state.mdb";
    {
        MDB_env* env = nullptr;
        ASSERT_EQ(mdb_env_create(&env), 0);
        ASSERT_EQ(mdb_env_open(env, path.c_str(), MDB_NOSUBDIR, 0600), 0);
        MDB_txn* txn = nullptr;
        MDB_dbi dbi;
        ASSERT_EQ(mdb_txn_begin(env, nullptr, 0, &txn), 0);
        ASSERT_EQ(mdb_dbi_open(txn, nullptr, 0, &dbi), 0);
        MDB_val k{3, const_cast<char*>("bad")}, v{5, const_cast<char*>("hello")};
        ASSERT_EQ(mdb_put(txn, dbi, &k, &v, 0), 0);
        ASSERT_EQ(mdb_txn_commit(txn), 0);
        mdb_env_close(env);
    }
    auto s = open_store(lmdb_config(path));
    try {
        s->get("bad");
        FAIL() << "no store_error";
    } catch (const store_error& e) {
        EXPECT_EQ(std::string(e.what()), "lmdb " + path + ": corrupt entry for key \"bad\"");
    }
    EXPECT_THROW(s->put_if_absent("bad", "v", 0s), store_error);
    EXPECT_FALSE(s->erase("bad"));  // it held no live value, but it is gone
    EXPECT_TRUE(s->put_if_absent("bad", "v", 0s));
}

TEST(lmdb_store, a_full_map_is_a_store_error) {
    temp_dir dir;
    auto c = lmdb_config(dir / "state.mdb");
    c.lmdb_map_size = 64 * 1024;
    auto s = open_store(c);
    std::string value(1000, 'x');
    std::string error;
    int stored = 0;
    for (; stored < 1000; ++stored) {
        try {
            s->put("k" + std::to_string(stored), value, 0s);
        } catch (const store_error& e) {
            error = e.what();
            break;
        }
    }
    ASSERT_LT(stored, 1000) << "the map never filled";
    EXPECT_GT(stored, 10);
    EXPECT_EQ(error,
              "lmdb " + c.path +
                  ": the database is full (map size 65536 bytes); raise lmdb_map_size or remove entries");
    EXPECT_THROW(s->put_if_absent("too-big", std::string(c.lmdb_map_size, 'x'), 0s), store_error);
    EXPECT_EQ(s->get("k0"), value);  // what was there is still readable
}

// A full map first sheds its expired entries, so a store of vacation
// records never fills up with stale ones.
TEST(lmdb_store, a_full_map_purges_expired_entries_and_goes_on) {
    temp_dir dir;
    fake_clock clock;
    auto c = lmdb_config(dir / "state.mdb", clock);
    c.lmdb_map_size = 64 * 1024;
    auto s = open_store(c);
    std::string value(1000, 'x');
    int stored = 0;
    try {
        for (; stored < 1000; ++stored) s->put("old" + std::to_string(stored), value, 60s);
    } catch (const store_error&) {
    }
    ASSERT_LT(stored, 1000);
    clock.advance(60s);
    for (int i = 0; i < stored; ++i) {
        ASSERT_TRUE(s->put_if_absent("new" + std::to_string(i), value, 0s)) << i;
    }
    EXPECT_EQ(s->get("old0"), std::nullopt);
    EXPECT_EQ(s->get("new0"), value);
}

}  // namespace
}  // namespace sift::store::testing
