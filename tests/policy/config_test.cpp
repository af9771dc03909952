// sift::config (sift/config.hpp): the defaults docs/CONFIG.md lists, each
// kind of error at its file:line:column with its key, and show's output
// read back to the same values.
#include <sift/config.hpp>

#include <gtest/gtest.h>

#include <string>

namespace sift::testing {
namespace {

std::string error_of(std::string_view text) {
    try {
        (void)parse_config(text, "site.toml");
    } catch (const config_error& e) {
        return e.what();
    }
    return "no error";
}

TEST(config, the_defaults_are_the_documented_ones) {
    config c;
    EXPECT_EQ(c.defaults.spam_threshold.text(), "5");
    EXPECT_EQ(c.defaults.reject_threshold.text(), "15");
    EXPECT_TRUE(c.defaults.filter_spam && c.defaults.filter_promotions && c.defaults.filter_social);
    EXPECT_EQ(c.defaults.blocked, blocked_action::refuse);
    EXPECT_EQ(c.uninspectable, uninspectable_action::refuse);
    EXPECT_FALSE(c.defaults.plus_folders);
    EXPECT_EQ(c.spam_folder, "Spam");
    EXPECT_EQ(c.promotions_folder, "Promotions");
    EXPECT_EQ(c.social_folder, "Social");
    EXPECT_EQ(c.store.kind, store::store_kind::lmdb);
    EXPECT_EQ(c.store.path, default_state_path());
    EXPECT_FALSE(c.store_configured);
    EXPECT_TRUE(c.trusted_authserv_ids.empty());
    EXPECT_EQ(c.policy_dir, "default");
}

TEST(config, keys_are_applied) {
    auto c = parse_config(R"(blocked = "spam"
uninspectable = "accept"
[spam]
threshold = 4.5
reject_threshold = 12
[filter]
promotions = false
[plus]
folders = true
delimiters = "+-"
[folder]
spam = "Junk"
[authres]
trusted_authserv_ids = ["mx.example.net", "dkim.example.net"]
[store]
kind = "redis"
host = "10.0.0.5"
port = 6380
key_prefix = "site-a:"
[lists]
dir = "/etc/sift/lists"
[attachments]
max_depth = 3
[limits]
instruction_budget = 2000000
max_mime_depth = 16
)");
    EXPECT_EQ(c.defaults.blocked, blocked_action::spam);
    EXPECT_EQ(c.uninspectable, uninspectable_action::accept);
    EXPECT_EQ(c.defaults.spam_threshold.thousandths, 4500);
    EXPECT_EQ(c.defaults.reject_threshold.text(), "12");
    EXPECT_FALSE(c.defaults.filter_promotions);
    EXPECT_TRUE(c.defaults.filter_social);
    EXPECT_TRUE(c.defaults.plus_folders);
    EXPECT_EQ(c.recipient_delimiters, "+-");
    EXPECT_EQ(c.spam_folder, "Junk");
    EXPECT_EQ(c.trusted_authserv_ids, (std::vector<std::string>{"mx.example.net", "dkim.example.net"}));
    EXPECT_EQ(c.store.kind, store::store_kind::redis);
    EXPECT_EQ(c.store.host, "10.0.0.5");
    EXPECT_EQ(c.store.port, 6380);
    EXPECT_EQ(c.store.key_prefix, "site-a:");
    EXPECT_TRUE(c.store_configured);
    EXPECT_EQ(c.lists_dir, "/etc/sift/lists");
    EXPECT_EQ(c.attachments.max_depth, 3u);
    EXPECT_EQ(c.limits.instruction_budget, 2'000'000u);
    EXPECT_EQ(c.message.max_mime_depth, 16u);
    auto o = run_options_from(c);
    EXPECT_EQ(o.authres.trusted_authserv_ids.size(), 2u);
    EXPECT_EQ(o.limits.recipient_delimiters, "+-");
    EXPECT_EQ(o.score.spam_threshold, 4.5);
    EXPECT_EQ(o.attachment.max_depth, 3u);
}

TEST(config, errors_name_file_line_column_and_key) {
    EXPECT_EQ(error_of("blocked = \"drop\"\n"),
              "site.toml:1:11: error: blocked: \"refuse\" or \"spam\", not \"drop\"");
    EXPECT_EQ(error_of("[filter]\nspam = true\npromotion = false\n"),
              "site.toml:3:1: error: filter.promotion: unknown key");
    EXPECT_EQ(error_of("colour = 1\n"), "site.toml:1:1: error: colour: unknown key");
    EXPECT_EQ(error_of("[spam]\nthreshold = \"5\"\n"),
              "site.toml:2:13: error: spam.threshold: expected a number (a score threshold), not a string");
    EXPECT_EQ(error_of("[spam]\nthreshold = 0\n"),
              "site.toml:2:13: error: spam.threshold: a threshold is above 0 and at most 10000");
    EXPECT_EQ(error_of("[spam]\nthreshold = 4.0001\n"),
              "site.toml:2:13: error: spam.threshold: a threshold has at most three decimals");
    EXPECT_EQ(error_of("[spam]\nthreshold = 8\nreject_threshold = 6\n"),
              "site.toml:3:20: error: spam.reject_threshold: the reject threshold (6) is below the spam "
              "threshold (8)");
    EXPECT_EQ(error_of("[store]\nport = 70000\n"),
              "site.toml:2:8: error: store.port: 70000 is out of range (1 to 65535)");
    EXPECT_EQ(error_of("[filter]\nsocial = \"off\"\n"),
              "site.toml:2:10: error: filter.social: expected true or false, not a string");
    EXPECT_EQ(error_of("spam = 5\n"), "site.toml:1:1: error: spam: expected a table");
    EXPECT_EQ(error_of("[store.redis]\nhost = \"x\"\n"), "site.toml:1:8: error: store.redis: unknown key");
    // TOML itself: the parser's message at its position.
    EXPECT_EQ(error_of("[spam\n").rfind("site.toml:1:6: error: ", 0), 0u) << error_of("[spam\n");
}

TEST(config, a_bad_file_is_refused_whole) {
    // The good key before the bad one is not applied either: there is no
    // configuration to apply it to.
    EXPECT_THROW(parse_config("blocked = \"spam\"\n[limits]\nmax_actions = 0\n"), config_error);
    try {
        (void)load_config("/nonexistent/sift.toml");
        FAIL() << "read a file that does not exist";
    } catch (const config_error& e) {
        EXPECT_EQ(std::string(e.what()).rfind("/nonexistent/sift.toml:0:0: error: cannot read the file: ", 0),
                  0u)
            << e.what();
    }
}

TEST(config, show_reads_back_to_the_same_values) {
    auto c = parse_config(
        "blocked = \"spam\"\n[spam]\nthreshold = 6.25\n[folder]\nsocial = \"Réseaux \\\"x\\\"\"\n"
        "[authres]\ntrusted_authserv_ids = [\"mx\"]\n[lists]\ndir = \"/l\"\n");
    auto again = parse_config(format_config(c), "shown.toml");
    EXPECT_EQ(again.defaults.blocked, blocked_action::spam);
    EXPECT_EQ(again.defaults.spam_threshold.text(), "6.25");
    EXPECT_EQ(again.social_folder, "Réseaux \"x\"");
    EXPECT_EQ(again.trusted_authserv_ids, c.trusted_authserv_ids);
    EXPECT_EQ(again.lists_dir, "/l");
    EXPECT_EQ(format_config(again).substr(format_config(again).find('\n')),
              format_config(c).substr(format_config(c).find('\n')));
}

TEST(config, thresholds_parse_as_exact_decimals) {
    EXPECT_EQ(parse_threshold("5")->thousandths, 5000);
    EXPECT_EQ(parse_threshold("4.5")->text(), "4.5");
    EXPECT_EQ(parse_threshold("0.125")->text(), "0.125");
    EXPECT_FALSE(parse_threshold("0"));
    EXPECT_FALSE(parse_threshold("-1"));
    EXPECT_FALSE(parse_threshold("1.2345"));
    EXPECT_FALSE(parse_threshold("5x"));
    EXPECT_FALSE(parse_threshold(""));
    EXPECT_FALSE(parse_threshold("10001"));
}

}  // namespace
}  // namespace sift::testing
