// sift-milter's reload (milter/engine.hpp): the configuration, policy and
// users' scripts are one snapshot swapped whole; a message keeps the one it
// took; a reload that does not compile or parse keeps the old one and says
// where, file:line:column. The policies here are written by hand, and each
// message's verdict is what its policy says, checked by its reason text.
#include "control.hpp"
#include "engine.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

namespace sift::milter {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

struct temp_dir {
    fs::path path;
    temp_dir() {
        char tmpl[] = "/tmp/sift-snapshot-XXXXXX";
        path = ::mkdtemp(tmpl);
    }
    ~temp_dir() { fs::remove_all(path); }
};

void write(const fs::path& p, const std::string& text) {
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
}

std::string refusing(std::string_view why) {
    return "require \"reject\";\nif header :contains \"subject\" \"probe\" { reject \"" + std::string(why) +
           "\"; }\n";
}

struct logs {
    std::mutex m;
    std::vector<std::string> lines;
    std::function<void(const std::string&)> sink() {
        return [this](const std::string& l) {
            std::lock_guard lock(m);
            lines.push_back(l);
        };
    }
    std::string last() {
        std::lock_guard lock(m);
        return lines.empty() ? "" : lines.back();
    }
};

// The reason the policy gives a probe for one recipient (its refusal text),
// or "deliver".
std::string decide(const engine& e, const snapshot& snap, std::string_view to = "bob@example.net") {
    auto msg = sift::message::from_raw("From: a@example.org\r\nSubject: probe\r\n\r\nhello\r\n");
    sift::envelope env{.from = "a@example.org", .to = std::string(to)};
    auto own = e.script_for(snap, to);
    auto r = e.run(snap, sift::session{}, msg, env, own.get());
    if (r.verdict.what == sift::verdict::kind::deliver) return "deliver";
    return r.verdict.text;
}

settings with_policy(const fs::path& dir) {
    settings s;
    s.policy = dir.string();
    return s;
}

TEST(Snapshot, ReloadSwapsAndAMessageKeepsItsOwn) {
    temp_dir d;
    write(d.path / "pol/before.sieve", refusing("v1"));
    logs log;
    engine e(with_policy(d.path / "pol"), log.sink());
    auto held = e.current();  // as a message under way at MAIL FROM
    EXPECT_EQ(held->generation, 1u);
    EXPECT_EQ(decide(e, *held), "v1");

    write(d.path / "pol/before.sieve", refusing("v2"));
    auto r = e.reload("test");
    ASSERT_TRUE(r.ok) << r.errors;
    EXPECT_EQ(r.generation, 2u);
    EXPECT_EQ(e.current()->generation, 2u);
    EXPECT_EQ(decide(e, *e.current()), "v2");
    EXPECT_EQ(decide(e, *held), "v1");  // the message under way is decided as it started
    EXPECT_NE(log.last().find("{\"reload\":\"ok\",\"trigger\":\"test\",\"generation\":2"), std::string::npos)
        << log.last();
}

TEST(Snapshot, ABrokenPolicyIsRefusedWholeWithItsPosition) {
    temp_dir d;
    write(d.path / "pol/before.sieve", refusing("v1"));
    logs log;
    engine e(with_policy(d.path / "pol"), log.sink());
    write(d.path / "pol/before.sieve", "require \"reject\";\nif true { reject \"x\" }\n");
    auto r = e.reload("test");
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.generation, 1u);
    EXPECT_EQ(e.current()->generation, 1u);
    EXPECT_NE(r.errors.find("pol/before.sieve:2:22: error:"), std::string::npos) << r.errors;
    EXPECT_NE(log.last().find("\"reload\":\"failed\""), std::string::npos);
    EXPECT_EQ(decide(e, *e.current()), "v1");
    // Both scripts of the policy go together: a good before.sieve with a
    // broken after.sieve is refused too, and nothing of it is applied.
    write(d.path / "pol/before.sieve", refusing("v3"));
    write(d.path / "pol/after.sieve", "stop stop;\n");
    r = e.reload("test");
    EXPECT_FALSE(r.ok);
    EXPECT_NE(r.errors.find("pol/after.sieve:1:"), std::string::npos) << r.errors;
    EXPECT_EQ(decide(e, *e.current()), "v1");
    fs::remove(d.path / "pol/after.sieve");
    EXPECT_TRUE(e.reload("test").ok);
    EXPECT_EQ(decide(e, *e.current()), "v3");
    EXPECT_EQ(e.current()->generation, 2u);
}

TEST(Snapshot, ABrokenConfigurationIsRefusedWithItsPosition) {
    temp_dir d;
    write(d.path / "a/before.sieve", refusing("from a"));
    write(d.path / "b/before.sieve", refusing("from b"));
    write(d.path / "sift.toml", "[policy]\ndir = \"" + (d.path / "a").string() + "\"\n");
    settings s;
    s.config_path = (d.path / "sift.toml").string();
    s.site = sift::load_config(s.config_path);
    s.policy_from_site = true;
    logs log;
    engine e(s, log.sink());
    EXPECT_EQ(decide(e, *e.current()), "from a");
    // The configuration names another policy: the reload takes it.
    write(d.path / "sift.toml", "[policy]\ndir = \"" + (d.path / "b").string() + "\"\n");
    ASSERT_TRUE(e.reload("test").ok);
    EXPECT_EQ(decide(e, *e.current()), "from b");
    write(d.path / "sift.toml", "[policy]\ndir = 42\n");
    auto r = e.reload("test");
    EXPECT_FALSE(r.ok);
    EXPECT_NE(r.errors.find("sift.toml:2:"), std::string::npos) << r.errors;
    EXPECT_EQ(decide(e, *e.current()), "from b");
}

TEST(Snapshot, UsersScriptsAreCompiledAgainAfterAReload) {
    temp_dir d;
    write(d.path / "pol/before.sieve", "# the users decide\n");
    write(d.path / "users/example.net/bob.sieve", refusing("bob v1"));
    auto s = with_policy(d.path / "pol");
    s.scripts_dir = (d.path / "users").string();
    logs log;
    engine e(s, log.sink());
    auto first = e.current();
    EXPECT_EQ(decide(e, *first), "bob v1");
    ASSERT_TRUE(e.reload("test").ok);
    EXPECT_TRUE(e.current()->cache.empty());  // a new snapshot starts with no compiled scripts
    EXPECT_EQ(decide(e, *e.current()), "bob v1");
    EXPECT_EQ(first->cache.size(), 1u);
}

// Messages decided on several threads while reloads swap the snapshot:
// each decision is one policy's whole (v-odd or v-even), never a mix or a
// crash, and the generations seen only grow.
TEST(Snapshot, ConcurrentReloadsAndMessages) {
    temp_dir d;
    write(d.path / "pol/before.sieve", refusing("v0"));
    logs log;
    engine e(with_policy(d.path / "pol"), log.sink());
    std::atomic<bool> done{false};
    std::atomic<int> decided{0}, wrong{0};
    std::vector<std::thread> workers;
    for (int t = 0; t < 3; ++t)
        workers.emplace_back([&] {
            std::uint64_t last = 0;
            while (!done) {
                auto snap = e.current();
                if (snap->generation < last) ++wrong;
                last = snap->generation;
                // Generation g has policy v(g-1): the file written before
                // the reload that made it.
                if (decide(e, *snap) != "v" + std::to_string(snap->generation - 1)) ++wrong;
                ++decided;
            }
        });
    for (int i = 1; i <= 20; ++i) {
        write(d.path / "pol/before.sieve", refusing("v" + std::to_string(i)));
        ASSERT_TRUE(e.reload("test").ok);
        std::this_thread::sleep_for(2ms);
    }
    done = true;
    for (auto& w : workers) w.join();
    EXPECT_EQ(wrong, 0);
    EXPECT_GT(decided, 20);
    EXPECT_EQ(e.current()->generation, 21u);
}

TEST(Snapshot, TheWatcherReloadsOnAChangeOnce) {
    temp_dir d;
    write(d.path / "pol/before.sieve", refusing("v1"));
    logs log;
    engine e(with_policy(d.path / "pol"), log.sink());
    file_watcher w(e, 50ms);
    std::this_thread::sleep_for(120ms);
    EXPECT_EQ(e.current()->generation, 1u);  // nothing changed, nothing reloaded
    write(d.path / "pol/before.sieve", refusing("v2 longer"));
    for (int i = 0; i < 100 && e.current()->generation == 1; ++i) std::this_thread::sleep_for(20ms);
    EXPECT_EQ(e.current()->generation, 2u);
    EXPECT_EQ(decide(e, *e.current()), "v2 longer");
    // A broken file: one failed reload, not one per poll.
    write(d.path / "pol/before.sieve", "if {\n");
    std::this_thread::sleep_for(400ms);
    EXPECT_EQ(e.current()->generation, 2u);
    int failed = 0;
    {
        std::lock_guard lock(log.m);
        for (const auto& l : log.lines) failed += l.find("\"reload\":\"failed\"") != std::string::npos;
    }
    EXPECT_EQ(failed, 1);
}

}  // namespace
}  // namespace sift::milter
