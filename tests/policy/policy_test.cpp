// sift::policy (sift/policy.hpp): a policy directory loaded, named and run
// around a user's script.
#include "test_support.hpp"

#include <sift/lists.hpp>
#include <sift/policy.hpp>
#include <sift/settings.hpp>

#include <ctime>
#include <filesystem>
#include <fstream>

namespace sift::testing {
namespace {

namespace fs = std::filesystem;

}  // namespace
constexpr const char* sample = "From: a@example.com\r\nTo: b@example.net\r\nSubject: hi\r\n\r\nHello.\r\n";
namespace {

struct policy_dir : ::testing::Test {
    fs::path dir = fs::temp_directory_path() / ("sift-policy-test-" + std::to_string(::getpid()));
    void SetUp() override {
        fs::remove_all(dir);
        fs::create_directories(dir / "site");
    }
    void TearDown() override { fs::remove_all(dir); }
    void write(const std::string& name, const std::string& text) {
        std::ofstream(dir / "site" / name) << text;
    }
    policy load() { return policy::load((dir / "site").string()); }
};

TEST_F(policy_dir, runs_before_user_after_named_by_the_directory) {
    write("before.sieve", "require \"imap4flags\"; addflag \"\\\\Seen\";");
    write("after.sieve", "require \"fileinto\"; fileinto \"After\";");
    auto p = load();
    ASSERT_TRUE(p.ok()) << format(p.errors());
    EXPECT_EQ(p.dir(), (dir / "site").string());
    auto user = compiled("if header :contains \"subject\" \"nothing\" { discard; }");
    auto r = p.run(session{}, message::from_raw(sample), default_envelope(), {}, &user);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.scripts, (std::vector<std::string>{"site/before.sieve", "test.sieve", "site/after.sieve"}));
    EXPECT_EQ(summary(r), "fileinto:After");
}

TEST_F(policy_dir, a_decision_before_ends_it_without_a_user_script) {
    write("before.sieve", "require \"fileinto\"; fileinto \"Before\";");
    auto p = load();
    EXPECT_EQ(p.after(), nullptr);
    auto r = p.run(session{}, message::from_raw(sample), default_envelope(), {});
    EXPECT_EQ(summary(r), "fileinto:Before");
}

TEST_F(policy_dir, include_personal_finds_the_policy_directory) {
    write("rules.sieve", "require \"fileinto\"; fileinto \"Included\";");
    write("before.sieve", "require \"include\"; include :personal \"rules\";");
    auto p = load();
    ASSERT_TRUE(p.ok()) << format(p.errors());
    EXPECT_EQ(summary(p.run(session{}, message::from_raw(sample), default_envelope(), {})),
              "fileinto:Included");
}

TEST_F(policy_dir, compile_errors_are_reported_not_thrown) {
    write("after.sieve", "fileinto \"x\";");
    auto p = load();
    EXPECT_FALSE(p.ok());
    ASSERT_FALSE(p.errors().empty());
    EXPECT_NE(format(p.errors()).find("site/after.sieve:1:1: error:"), std::string::npos)
        << format(p.errors());
    EXPECT_THROW(p.around(), std::invalid_argument);
}

TEST_F(policy_dir, a_directory_without_scripts_or_none_at_all_is_an_error) {
    EXPECT_THROW(load(), policy_error);
    EXPECT_THROW(policy::load((dir / "missing").string()), policy_error);
}

TEST_F(policy_dir, default_is_the_bundled_policy) {
    auto p = policy::load("default");
    ASSERT_TRUE(p.ok()) << format(p.errors());
    ASSERT_NE(p.before(), nullptr);
    ASSERT_NE(p.after(), nullptr);
    EXPECT_EQ(p.dir(), default_policy_dir());
    EXPECT_TRUE(fs::exists(fs::path(p.dir()) / "before.sieve"));
    // Its lists from an empty directory: none blocks or allows.
    lists::file_lists none((dir / "site").string());
    basic_host host;
    host.set_lists(&none);
    run_options options;
    options.host = &host;
    auto r = p.run(session{}, message::from_raw(sample), default_envelope(), options);
    EXPECT_TRUE(r.ok()) << (r.errors.empty() ? "" : r.errors[0]);
    EXPECT_EQ(r.scripts, (std::vector<std::string>{"default/before.sieve", "default/after.sieve"}));
}

}  // namespace
}  // namespace sift::testing

namespace sift::testing {
namespace {

TEST(plus_folder, is_made_safe) {
    EXPECT_EQ(plus_folder("news"), "news");
    EXPECT_EQ(plus_folder("../../etc/passwd"), "_._etc_passwd");
    EXPECT_EQ(plus_folder(".hidden"), "hidden");
    EXPECT_EQ(plus_folder("a..b...c"), "a.b.c");
    EXPECT_EQ(plus_folder("tab\there\x7f"), "tabhere");
    EXPECT_EQ(plus_folder("back\\slash"), "back_slash");
    EXPECT_EQ(plus_folder("* %"), "_ _");
    EXPECT_EQ(plus_folder(" trailing. "), "trailing");
    EXPECT_EQ(plus_folder("bad\xff\xfeutf8"), "badutf8");
    EXPECT_EQ(plus_folder("..."), "");
    EXPECT_EQ(plus_folder(std::string(100, 'x')), std::string(plus_folder_max_bytes, 'x'));
    // Cut at a character boundary: 21 three-byte characters are 63 bytes.
    std::string euros;
    for (int i = 0; i < 30; ++i) euros += "\xe2\x82\xac";
    EXPECT_EQ(plus_folder(euros).size(), 63u);
}

TEST(settings, are_checked_stored_and_overlaid) {
    EXPECT_EQ(check_setting("filter.social", "False"), "off");
    EXPECT_EQ(check_setting("spam.threshold", "4.50"), "4.5");
    EXPECT_EQ(check_setting("blocked", "SPAM"), "spam");
    EXPECT_THROW(check_setting("blocked", "drop"), setting_error);
    EXPECT_THROW(check_setting("spam.threshold", "-1"), setting_error);
    EXPECT_THROW(check_setting("colour", "red"), setting_error);

    auto state = store::open_memory_store();
    config site;
    EXPECT_EQ(settings_for(site, state.get(), "anna@domain.xyz").spam_threshold.text(), "5");
    save_user_settings(*state, "Anna+x@Domain.xyz", {{{"blocked", "spam"}, {"spam.threshold", "7"}}});
    EXPECT_EQ(state->get("settings:anna@domain.xyz"), "blocked=spam\nspam.threshold=7\n");
    auto mine = load_user_settings(*state, "anna@domain.xyz");
    ASSERT_EQ(mine.values.size(), 2u);
    EXPECT_EQ(mine.values[0].first, "spam.threshold");  // in user_setting_names' order
    auto d = settings_for(site, state.get(), "anna+shop@domain.xyz");
    EXPECT_EQ(d.blocked, blocked_action::spam);
    EXPECT_EQ(d.spam_threshold.text(), "7");
    EXPECT_EQ(d.reject_threshold.text(), "15");
    EXPECT_EQ(settings_for(site, state.get(), "bob@domain.xyz").blocked, blocked_action::refuse);
    // A damaged or newer record: what fits is read, the rest skipped.
    state->put("settings:carol@domain.xyz", "filter.spam=off\ncolour=red\nblocked=drop\nnonsense\n",
               std::chrono::seconds(0));
    auto carol = settings_for(site, state.get(), "carol@domain.xyz");
    EXPECT_FALSE(carol.filter_spam);
    EXPECT_EQ(carol.blocked, blocked_action::refuse);
    save_user_settings(*state, "anna@domain.xyz", {});
    EXPECT_FALSE(state->get("settings:anna@domain.xyz"));
    EXPECT_THROW(save_user_settings(*state, "not an address", {}), setting_error);
}

std::string item(const std::vector<std::pair<std::string, std::string>>& items, std::string_view name) {
    for (const auto& [n, v] : items)
        if (n == name) return v;
    return "(absent)";
}

TEST(policy_items, carry_the_settings) {
    config site;
    site.spam_folder = "Junk";
    user_defaults d = site.defaults;
    d.spam_threshold = *parse_threshold("6.5");
    d.filter_promotions = false;
    auto items = policy_items(site, d, "Anna+Shop@domain.xyz");
    EXPECT_EQ(item(items, "vnd.sift.spam.threshold"), "6.5");
    EXPECT_EQ(item(items, "vnd.sift.spam.reject_threshold"), "15");
    EXPECT_EQ(item(items, "vnd.sift.filter.spam"), "on");
    EXPECT_EQ(item(items, "vnd.sift.filter.promotions"), "off");
    EXPECT_EQ(item(items, "vnd.sift.filter.social"), "on");
    EXPECT_EQ(item(items, "vnd.sift.blocked"), "refuse");
    EXPECT_EQ(item(items, "vnd.sift.uninspectable"), "refuse");
    EXPECT_EQ(item(items, "vnd.sift.plus.folders"), "off");
    EXPECT_EQ(item(items, "vnd.sift.folder.spam"), "Junk");
    EXPECT_EQ(item(items, "vnd.sift.folder.promotions"), "Promotions");
    EXPECT_EQ(item(items, "vnd.sift.folder.social"), "Social");
    EXPECT_EQ(item(items, "vnd.sift.user"), "anna@domain.xyz");
    EXPECT_EQ(item(items, "vnd.sift.plus.folder"), "(absent)");
    d.plus_folders = true;
    EXPECT_EQ(item(policy_items(site, d, "anna+Shop@domain.xyz"), "vnd.sift.plus.folder"), "Shop");
    EXPECT_EQ(item(policy_items(site, d, "anna@domain.xyz"), "vnd.sift.plus.folder"), "(absent)");
    EXPECT_EQ(item(policy_items(site, d, "<>"), "vnd.sift.user"), "(absent)");
}

TEST(policy_items, reach_the_scripts_through_run) {
    auto s = compiled(R"(require ["environment", "variables", "fileinto"];
if environment :matches "vnd.sift.spam.threshold" "*" { fileinto "t-${1}"; }
if environment :matches "vnd.sift.plus.folder" "*" { fileinto "p-${1}"; })");
    policy p;  // no policy scripts: the user's alone, with the items
    config site;
    auto d = site.defaults;
    d.plus_folders = true;
    d.spam_threshold = *parse_threshold("4.25");
    session client;
    client.items = {{"vnd.sift.spam.threshold", "forged"}};  // the runner's come first
    auto r = p.run(client, message::from_raw(sample), {.from = "a@b.c", .to = "u+x@d.e"}, {}, &s, site, d);
    EXPECT_EQ(summary(r), "fileinto:t-4.25; fileinto:p-x");
}

}  // namespace
}  // namespace sift::testing

namespace sift::testing {
namespace {

TEST(vacation, is_stored_checked_and_timed) {
    auto state = store::open_memory_store();
    vacation_settings v;
    v.message = "Away.\nBack on Monday \\o/";
    v.subject = "Out";
    v.start = "2026-12-20";
    v.end = "2026-12-24T12:00";
    v.weekdays = {"Monday", "tue"};
    v.exclude = {"@Boss.Example"};
    save_vacation(*state, "Anna+x@domain.xyz", v);
    auto back = load_vacation(*state, "anna@domain.xyz");
    ASSERT_TRUE(back);
    EXPECT_EQ(back->message, v.message);
    EXPECT_EQ(back->weekdays, (std::vector<std::string>{"mon", "tue"}));
    EXPECT_EQ(back->exclude, (std::vector<std::string>{"@boss.example"}));
    // Local time: 2026-12-21 is a Monday, 2026-12-23 a Wednesday.
    auto at = [](int day, int hour) {
        std::tm t{};
        t.tm_year = 2026 - 1900, t.tm_mon = 11, t.tm_mday = day, t.tm_hour = hour, t.tm_isdst = -1;
        return std::chrono::system_clock::from_time_t(std::mktime(&t));
    };
    EXPECT_TRUE(vacation_active(*back, at(21, 9), "bob@example.org"));
    EXPECT_FALSE(vacation_active(*back, at(21, 9), "ceo@boss.example"));
    EXPECT_FALSE(vacation_active(*back, at(23, 9), "bob@example.org"));  // a Wednesday
    EXPECT_FALSE(vacation_active(*back, at(19, 9), "bob@example.org"));  // before the start
    back->weekdays.clear();
    EXPECT_TRUE(vacation_active(*back, at(24, 11), "bob@example.org"));
    EXPECT_FALSE(vacation_active(*back, at(24, 13), "bob@example.org"));  // after 12:00 on the last day
    EXPECT_TRUE(erase_vacation(*state, "anna@domain.xyz"));
    EXPECT_FALSE(load_vacation(*state, "anna@domain.xyz"));
    vacation_settings bad;
    bad.message = "x";
    bad.end = "2026-02-30T25:00";
    EXPECT_THROW(save_vacation(*state, "anna@domain.xyz", bad), setting_error);
}

// The user's own zone, with its daylight saving time, whatever the
// server's: the instants below are UTC, the offsets worked out by hand
// (New Zealand is at +13:00 in December, New York at -04:00 in July).
TEST(vacation, is_timed_in_the_users_zone) {
    auto state = store::open_memory_store();
    auto utc = [](int month, int day, int hour, int minute) {
        std::tm t{};
        t.tm_year = 2026 - 1900, t.tm_mon = month - 1, t.tm_mday = day, t.tm_hour = hour, t.tm_min = minute;
        return std::chrono::system_clock::from_time_t(::timegm(&t));
    };
    vacation_settings v;
    v.message = "Away.";
    v.zone = "Pacific/Auckland";
    v.start = "2026-12-21T08:00";
    v.end = "2026-12-21T17:00";
    v.weekdays = {"mon"};
    save_vacation(*state, "anna@domain.xyz", v);
    auto back = load_vacation(*state, "anna@domain.xyz");
    ASSERT_TRUE(back);
    EXPECT_EQ(back->zone, "Pacific/Auckland");
    EXPECT_FALSE(vacation_active(*back, utc(12, 20, 18, 59), "bob@example.org"));  // 07:59 there
    EXPECT_TRUE(vacation_active(*back, utc(12, 20, 19, 0), "bob@example.org"));    // Monday 08:00 there
    EXPECT_TRUE(vacation_active(*back, utc(12, 21, 4, 0), "bob@example.org"));     // 17:00 there
    EXPECT_FALSE(vacation_active(*back, utc(12, 21, 4, 1), "bob@example.org"));    // 17:01 there
    v.zone = "America/New_York";
    v.start = "2026-07-01T09:00";
    v.end = "2026-07-01";
    v.weekdays = {"wed"};  // 2026-07-01 is a Wednesday
    save_vacation(*state, "anna@domain.xyz", v);
    back = load_vacation(*state, "anna@domain.xyz");
    ASSERT_TRUE(back);
    EXPECT_FALSE(vacation_active(*back, utc(7, 1, 12, 59), "bob@example.org"));  // 08:59 EDT
    EXPECT_TRUE(vacation_active(*back, utc(7, 2, 3, 59), "bob@example.org"));    // 23:59 EDT, still Wednesday
    EXPECT_FALSE(vacation_active(*back, utc(7, 2, 4, 0), "bob@example.org"));    // Thursday there
    v.zone = "Mars/Olympus_Mons";
    EXPECT_THROW(save_vacation(*state, "anna@domain.xyz", v), setting_error);
}

}  // namespace
}  // namespace sift::testing
