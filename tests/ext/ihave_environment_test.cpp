// ihave (RFC 5463) and environment (RFC 5183).
#include "test_support.hpp"

#include "mail/header.hpp"

#include <random>

namespace sift::testing {
namespace {

TEST(ihave, supported_capabilities_unlock_their_commands) {
    EXPECT_EQ(run("require \"ihave\"; if ihave \"fileinto\" { fileinto \"A\"; }", sample_message),
              "fileinto:A");
    EXPECT_EQ(
        run("require \"ihave\"; if ihave [\"fileinto\", \"copy\"] { fileinto :copy \"A\"; }", sample_message),
        "fileinto:A; keep*");
    // After the test the capability stays available (as in Pigeonhole);
    // before it, it is not.
    EXPECT_EQ(run("require \"ihave\"; if ihave \"fileinto\" { } fileinto \"A\";", sample_message),
              "fileinto:A");
    EXPECT_NE(compile_errors("require \"ihave\"; fileinto \"A\"; if ihave \"fileinto\" { }")
                  .find("requires the \"fileinto\" capability"),
              std::string::npos);
}

TEST(ihave, unsupported_block_is_neither_validated_nor_run) {
    EXPECT_EQ(run("require \"ihave\"; if ihave \"x-nonsense\" { nonsense_command \"Frop!\"; } "
                  "redirect \"frop@example.com\";",
                  sample_message),
              "redirect:frop@example.com");
    EXPECT_EQ(
        run("require \"ihave\"; if ihave \"x-nonsense\" { discard; } else { redirect \"a@example.com\"; }",
            sample_message),
        "redirect:a@example.com");
    EXPECT_EQ(run("require \"ihave\"; if not ihave \"x-nonsense\" { discard; }", sample_message), "discard");
}

TEST(ihave, lexical_capabilities_are_never_available) {
    EXPECT_EQ(
        run("require \"ihave\"; if anyof(ihave \"variables\", ihave \"encoded-character\") { discard; }",
            sample_message),
        "keep*");
}

TEST(ihave, guarded_capabilities_survive_bytecode) {
    auto s = compiled("require \"ihave\"; if ihave \"fileinto\" { fileinto \"A\"; }");
    EXPECT_EQ(s.capabilities(), (std::vector<std::string>{"ihave", "fileinto"}));
    auto loaded = script::load(s.save());
    ASSERT_TRUE(loaded.ok());
    auto m = message::from_raw(sample_message);
    EXPECT_EQ(summary(loaded.run(m, default_envelope())), "fileinto:A");
}

TEST(ihave, error_command_is_a_runtime_error) {
    auto s = compiled("require \"ihave\";\nerror \"Something failed.\";");
    auto m = message::from_raw(sample_message);
    auto r = s.run(m, default_envelope());
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(summary(r), "keep*");
    EXPECT_EQ(r.errors.at(0), "line 2: Something failed.");
}

TEST(environment, items_come_from_the_frontend) {
    auto s = compiled(
        "require [\"environment\", \"fileinto\", \"variables\"];\n"
        "if environment :matches \"remote-ip\" \"*\" { fileinto \"ip-${1}\"; }\n"
        "if environment :is \"location\" \"MDA\" { fileinto \"mda\"; }\n"
        "if environment :is \"name\" \"Sift\" { fileinto \"named\"; }\n"
        "if environment :matches \"domain\" \"*\" { fileinto \"never\"; }\n");
    auto m = message::from_raw(sample_message);
    session client;
    client.remote_ip = "192.0.2.7";
    client.location = "MDA";
    auto r = s.run(client, m, default_envelope());
    EXPECT_EQ(summary(r), "fileinto:ip-192.0.2.7; fileinto:mda; fileinto:named");
}

// RFC 5183 §4.1: items beyond the standard ones come from the frontend
// (session::items), matched by name case-insensitively; the standard
// names stay Sift's own.
TEST(environment, vendor_items_come_from_the_frontend) {
    auto s = compiled(
        "require [\"environment\", \"fileinto\", \"variables\"];\n"
        "if environment :matches \"vnd.example.user\" \"*\" { fileinto \"user-${1}\"; }\n"
        "if environment :is \"VND.EXAMPLE.Empty\" \"\" { fileinto \"empty\"; }\n"
        "if environment :is \"name\" \"Sift\" { fileinto \"named\"; }\n"
        "if environment :contains \"vnd.example.other\" \"\" { fileinto \"never\"; }\n");
    auto m = message::from_raw(sample_message);
    session client{.items = {{"vnd.example.user", "anna"}, {"vnd.example.empty", ""}, {"name", "Other"}}};
    EXPECT_EQ(summary(s.run(client, m, default_envelope())),
              "fileinto:user-anna; fileinto:empty; fileinto:named");
}

// Names of one length that differ only at their first or last
// character: each finds its own item, in any case.
TEST(environment, items_of_one_length_are_told_apart) {
    auto s = compiled(
        "require [\"environment\", \"fileinto\", \"variables\"];\n"
        "if environment :matches \"B.EXAMPLE.ITEM\" \"*\" { fileinto \"b-${1}\"; }\n"
        "if environment :matches \"a.example.itex\" \"*\" { fileinto \"x-${1}\"; }\n"
        "if environment :matches \"c.example.item\" \"*\" { fileinto \"never\"; }\n");
    auto m = message::from_raw(sample_message);
    session client{
        .items = {{"a.example.item", "first"}, {"b.example.item", "second"}, {"a.example.iteX", "third"}}};
    EXPECT_EQ(summary(s.run(client, m, default_envelope())), "fileinto:b-second; fileinto:x-third");
}

// An item is found by its name as spelled (one comparison) or in any
// other case (the folded loop): over random names of few letters, each
// test's answer against a plain search for the first item of that name.
TEST(environment, names_in_any_case_against_a_plain_search) {
    std::mt19937 rng(5);
    auto random_name = [&] {
        std::string n;
        for (auto len = 2 + rng() % 4; len-- > 0;) n += "aAbB."[rng() % 5];
        return n;
    };
    auto m = message::from_raw(sample_message);
    for (int round = 0; round < 100; ++round) {
        session client;
        for (auto n = rng() % 6; n-- > 0;)
            client.items.emplace_back(random_name(), "v" + std::to_string(client.items.size()));
        // A third of the names asked for are an item's own spelling, a
        // third an item's name with its case changed at random, a third
        // random.
        std::string asked = random_name();
        if (auto pick = rng() % 3; pick > 0 && !client.items.empty()) {
            asked = client.items[rng() % client.items.size()].first;
            if (pick == 2)
                for (auto& c : asked)
                    if (c != '.' && rng() % 2) c = char(c ^ 0x20);  // a <-> A
        }
        std::string expected = "keep*";
        for (const auto& [name, value] : client.items)
            if (mail::iequals(name, asked)) {
                expected = "fileinto:" + value;
                break;
            }
        auto s = compiled(
            "require [\"environment\", \"fileinto\", \"variables\"];\n"
            "if environment :matches \"" +
            asked + "\" \"*\" { fileinto \"${1}\"; }\n");
        EXPECT_EQ(summary(s.run(client, m, default_envelope())), expected) << asked;
    }
}

// A name longer than every name Sift answers itself ("remote-host", 11
// octets) is looked up among the session's items alone; one of 11 octets
// or less is one of Sift's names first. Either side of the boundary, with
// a session and without.
TEST(environment, names_either_side_of_the_own_names_length) {
    auto s = compiled(
        "require [\"environment\", \"fileinto\", \"variables\"];\n"
        "if environment :matches \"REMOTE-HOST\" \"*\" { fileinto \"rh-${1}\"; }\n"
        "if environment :matches \"remote-hostx\" \"*\" { fileinto \"rhx-${1}\"; }\n"
        "if environment :matches \"eleven.item\" \"*\" { fileinto \"e-${1}\"; }\n"
        "if environment :matches \"Twelve.Items\" \"*\" { fileinto \"t-${1}\"; }\n");
    auto m = message::from_raw(sample_message);
    session client{
        .remote_host = "mx.example.net",
        .items = {
            {"remote-host", "item"}, {"remote-hostX", "x"}, {"eleven.item", "11"}, {"twelve.items", "12"}}};
    EXPECT_EQ(summary(s.run(client, m, default_envelope())),
              "fileinto:rh-mx.example.net; fileinto:rhx-x; fileinto:e-11; fileinto:t-12");
    EXPECT_EQ(run("require \"environment\"; if environment :contains \"vnd.sift.twelve+\" \"\" { discard; }",
                  sample_message),
              "keep*");
}

TEST(environment, unknown_items_have_no_value) {
    EXPECT_EQ(run("require \"environment\"; if environment :contains \"x-unknown\" \"\" { discard; }",
                  sample_message),
              "keep*");
}

}  // namespace
}  // namespace sift::testing
