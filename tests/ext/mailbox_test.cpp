// mailbox, mboxmetadata, servermetadata (RFC 5490), special-use (RFC
// 8579), mailboxid (RFC 9042) and fcc (RFC 8580), against a fake mail store.
#include "test_support.hpp"

#include <map>
#include <set>

namespace sift::testing {
namespace {

class fake_store final : public mailbox_host {
public:
    std::set<std::string> boxes{"INBOX", "Sent", "Junk"};
    std::map<std::pair<std::string, std::string>, std::string> meta{
        {{"INBOX", "/private/comment"}, "hello"}, {{"", "/shared/admin"}, "mailto:a@example.com"}};
    std::map<std::string, std::string> uses{{"\\Junk", "Junk"}, {"\\Sent", "Sent"}};
    std::map<std::string, std::string> ids{{"F123", "Sent"}};

    bool exists(std::string_view m) const override { return boxes.count(std::string(m)) > 0; }
    std::optional<std::string> metadata(std::string_view m, std::string_view e) const override {
        auto it = meta.find({std::string(m), std::string(e)});
        return it == meta.end() ? std::nullopt : std::optional(it->second);
    }
    std::optional<std::string> server_metadata(std::string_view e) const override { return metadata("", e); }
    std::optional<std::string> special_use(std::string_view f) const override {
        auto it = uses.find(std::string(f));
        return it == uses.end() ? std::nullopt : std::optional(it->second);
    }
    bool has_special_use(std::string_view m, std::string_view f) const override {
        auto it = uses.find(std::string(f));
        return it != uses.end() && it->second == m;
    }
    std::optional<std::string> mailbox_for_id(std::string_view id) const override {
        auto it = ids.find(std::string(id));
        return it == ids.end() ? std::nullopt : std::optional(it->second);
    }
};

result run_store(std::string_view source, const mailbox_host* store) {
    auto s = compiled(source);
    auto m = message::from_raw(sample_message);
    basic_host host;
    host.set_mailboxes(store);
    return s.run(m, default_envelope(), {.host = &host});
}

std::string outcome(std::string_view source) {
    fake_store store;
    auto r = run_store(source, &store);
    return r.ok() ? summary(r) : "error: " + r.errors.front();
}

constexpr std::string_view mb = "require [\"mailbox\", \"fileinto\"];\n";

TEST(mailbox, mailboxexists_needs_every_mailbox) {
    auto t = [](std::string names) {
        return outcome(std::string(mb) + "if mailboxexists " + names + " { fileinto \"yes\"; }");
    };
    EXPECT_EQ(t("\"Sent\""), "fileinto:yes");
    EXPECT_EQ(t("[\"Sent\", \"Junk\"]"), "fileinto:yes");
    EXPECT_EQ(t("[\"Sent\", \"Nope\"]"), "keep*");
    EXPECT_EQ(t("\"frop\""), "keep*");
}

TEST(mailbox, fileinto_create_is_carried_by_the_action) {
    fake_store store;
    auto r = run_store("require [\"mailbox\", \"fileinto\"];\nfileinto :create \"New\";\nfileinto \"Other\";",
                       &store);
    ASSERT_EQ(r.actions.size(), 2u);
    EXPECT_TRUE(as<fileinto_action>(r.actions[0]).create);
    EXPECT_EQ(mailbox_of(r.actions[0]), "New");
    EXPECT_FALSE(as<fileinto_action>(r.actions[1]).create);
    // RFC 5490 §3.2 example.
    EXPECT_EQ(outcome("require [\"fileinto\", \"reject\", \"mailbox\"];\n"
                      "if mailboxexists \"Fructose\" { fileinto :create \"Fructose\"; } else { keep; }"),
              "keep");
}

TEST(mailbox, errors) {
    EXPECT_NE(compile_errors("require \"fileinto\";\nfileinto :create \"x\";")
                  .find("2:10: error: tag :create requires the \"mailbox\""),
              std::string::npos);
    EXPECT_NE(compile_errors("require \"mailbox\";\nif mailboxexists 3423 {}")
                  .find("2:18: error: 'mailboxexists' expects a string list"),
              std::string::npos);
    EXPECT_NE(
        compile_errors("require \"mailbox\";\nif mailboxexists \"a\" \"b\" {}").find("too many arguments"),
        std::string::npos);
    // A name that is not UTF-8: a warning, and the test is false.
    auto s = script::compile(
        "require [\"mailbox\", \"encoded-character\"];\nif mailboxexists \"${hex:ff}rop\" { discard; }");
    ASSERT_TRUE(s.ok());
    ASSERT_EQ(s.warnings().size(), 1u);
    EXPECT_EQ(s.warnings()[0].line, 2u);
    fake_store store;
    basic_host host;
    host.set_mailboxes(&store);
    auto m = message::from_raw(sample_message);
    EXPECT_EQ(summary(s.run(m, default_envelope(), {.host = &host})), "keep*");
}

TEST(mailbox, missing_service_is_a_runtime_error) {
    auto r = run_store(std::string(mb) + "if mailboxexists \"Sent\" { discard; }", nullptr);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.errors.front().find("mailboxexists needs the host's mailbox service"), std::string::npos);
    EXPECT_EQ(summary(r), "keep*");
}

TEST(mboxmetadata, metadata_and_metadataexists) {
    std::string h =
        "require [\"mboxmetadata\", \"fileinto\", \"relational\", \"comparator-i;ascii-numeric\"];\n";
    EXPECT_EQ(outcome(h + "if metadata :is \"INBOX\" \"/private/comment\" \"hello\" { fileinto \"y\"; }"),
              "fileinto:y");
    EXPECT_EQ(outcome(h + "if metadata :contains \"INBOX\" \"/private/comment\" \"ell\" { fileinto \"y\"; }"),
              "fileinto:y");
    EXPECT_EQ(outcome(h + "if metadata :is \"INBOX\" \"/private/comment\" \"x\" { fileinto \"y\"; }"),
              "keep*");
    EXPECT_EQ(
        outcome(h +
                "if metadata :count \"eq\" :comparator \"i;ascii-numeric\" \"INBOX\" \"/private/none\" \"0\" "
                "{ fileinto \"y\"; }"),
        "fileinto:y");
    EXPECT_EQ(outcome(h + "if metadataexists \"INBOX\" \"/private/comment\" { fileinto \"y\"; }"),
              "fileinto:y");
    EXPECT_EQ(
        outcome(h + "if metadataexists \"INBOX\" [\"/private/comment\", \"/private/x\"] { fileinto \"y\"; }"),
        "keep*");
    // An invalid entry name: a warning, no value.
    auto s = script::compile(h + "if metadataexists \"INBOX\" [\"/friep\"] { keep; }");
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(s.warnings().size(), 1u);
    EXPECT_NE(compile_errors("require \"mboxmetadata\";\nif metadata \"/private/frop\" \"friep\" {}")
                  .find("expects 3 arguments"),
              std::string::npos);
    EXPECT_NE(compile_errors("require \"mboxmetadata\";\nmetadata;").find("is a test"), std::string::npos);
}

TEST(servermetadata, servermetadata_and_servermetadataexists) {
    std::string h = "require [\"servermetadata\", \"fileinto\", \"variables\"];\n";
    EXPECT_EQ(outcome(h + "if servermetadata :matches \"/shared/admin\" \"mailto:*\" { fileinto \"${1}\"; }"),
              "fileinto:a@example.com");
    EXPECT_EQ(outcome(h + "if servermetadataexists [\"/shared/admin\"] { fileinto \"y\"; }"), "fileinto:y");
    EXPECT_EQ(outcome(h + "if servermetadataexists [\"/shared/admin\", \"frop\"] { fileinto \"y\"; }"),
              "keep*");
    auto r = run_store(h + "if servermetadataexists \"/shared/admin\" { keep; }", nullptr);
    EXPECT_NE(r.errors.at(0).find("servermetadataexists needs"), std::string::npos);
}

TEST(special_use, fileinto_specialuse_resolves_through_the_store) {
    std::string h = "require [\"special-use\", \"fileinto\", \"mailbox\", \"variables\"];\n";
    fake_store store;
    auto r = run_store(h + "fileinto :specialuse \"\\\\Junk\" \"Spam\";", &store);
    ASSERT_EQ(r.actions.size(), 1u);
    EXPECT_EQ(mailbox_of(r.actions[0]), "Junk");
    EXPECT_EQ(as<fileinto_action>(r.actions[0]).special_use, "\\Junk");
    // No mailbox with that use: the named one (RFC 8579 §4), created if asked.
    r = run_store(h + "fileinto :specialuse \"\\\\Archive\" :create \"Archive\";", &store);
    EXPECT_EQ(mailbox_of(r.actions.at(0)), "Archive");
    EXPECT_TRUE(as<fileinto_action>(r.actions[0]).create);
    // Without a store the action carries the flag for the delivery agent.
    r = run_store(h + "set \"use\" \"\\\\Junk\";\nfileinto :specialuse \"${use}\" \"Spam\";", nullptr);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(mailbox_of(r.actions.at(0)), "Spam");
    EXPECT_EQ(as<fileinto_action>(r.actions[0]).special_use, "\\Junk");
    // An invalid flag from a variable is a runtime error.
    r = run_store(h + "set \"use\" \"Junk\";\nfileinto :specialuse \"${use}\" \"Spam\";", &store);
    EXPECT_FALSE(r.ok());
}

TEST(special_use, specialuse_exists) {
    std::string h = "require [\"special-use\", \"fileinto\"];\n";
    EXPECT_EQ(outcome(h + "if specialuse_exists \"\\\\Junk\" { fileinto \"y\"; }"), "fileinto:y");
    EXPECT_EQ(outcome(h + "if specialuse_exists [\"\\\\Junk\", \"\\\\Drafts\"] { fileinto \"y\"; }"),
              "keep*");
    EXPECT_EQ(outcome(h + "if specialuse_exists \"Sent\" \"\\\\Sent\" { fileinto \"y\"; }"), "fileinto:y");
    EXPECT_EQ(outcome(h + "if specialuse_exists \"INBOX\" \"\\\\Sent\" { fileinto \"y\"; }"), "keep*");
}

TEST(special_use, errors) {
    std::string h = "require [\"special-use\", \"fileinto\"];\n";
    EXPECT_NE(compile_errors(h + "fileinto :specialuse \"frop\" \"frop\";")
                  .find("2:22: error: invalid special-use flag 'frop'"),
              std::string::npos);
    EXPECT_NE(
        compile_errors(h + "if specialuse_exists \"frop\" {}").find("2:22: error: invalid special-use flag"),
        std::string::npos);
    EXPECT_NE(compile_errors(h + "fileinto :specialuse \"\\\\frop\";").find("expects 1 argument"),
              std::string::npos);
    EXPECT_NE(compile_errors("require \"fileinto\";\nfileinto :specialuse \"\\\\Junk\" \"x\";")
                  .find("requires the \"special-use\""),
              std::string::npos);
}

TEST(mailboxid, fileinto_mailboxid_and_mailboxidexists) {
    std::string h = "require [\"mailboxid\", \"fileinto\"];\n";
    fake_store store;
    auto r = run_store(h + "fileinto :mailboxid \"F123\" \"Fallback\";", &store);
    EXPECT_EQ(mailbox_of(r.actions.at(0)), "Sent");
    EXPECT_EQ(as<fileinto_action>(r.actions[0]).mailbox_id, "F123");
    r = run_store(h + "fileinto :mailboxid \"F999\" \"Fallback\";", &store);
    EXPECT_EQ(mailbox_of(r.actions.at(0)), "Fallback");
    EXPECT_EQ(outcome(h + "if mailboxidexists \"F123\" { fileinto \"y\"; }"), "fileinto:y");
    EXPECT_EQ(outcome(h + "if mailboxidexists [\"F123\", \"F999\"] { fileinto \"y\"; }"), "keep*");
    EXPECT_EQ(outcome(h + "if mailboxidexists \"bad id!\" { fileinto \"y\"; }"), "keep*");
    EXPECT_NE(compile_errors("require \"fileinto\";\nfileinto :mailboxid \"F1\" \"x\";")
                  .find("requires the \"mailboxid\""),
              std::string::npos);
}

// RFC 9042 §4.1 over RFC 8579 §4: the mailbox with the id, else the one
// with the special use, else the named one, whichever tag comes first.
TEST(mailboxid, wins_over_specialuse_in_either_order) {
    std::string h = "require [\"mailboxid\", \"special-use\", \"fileinto\"];\n";
    fake_store store;
    for (std::string tags :
         {":mailboxid \"F123\" :specialuse \"\\\\Junk\"", ":specialuse \"\\\\Junk\" :mailboxid \"F123\""}) {
        auto r = run_store(h + "fileinto " + tags + " \"Named\";", &store);
        ASSERT_TRUE(r.ok()) << tags;
        EXPECT_EQ(mailbox_of(r.actions.at(0)), "Sent") << tags;
        EXPECT_EQ(as<fileinto_action>(r.actions[0]).mailbox_id, "F123");
        EXPECT_EQ(as<fileinto_action>(r.actions[0]).special_use, "\\Junk");
    }
    for (std::string tags :
         {":mailboxid \"F999\" :specialuse \"\\\\Junk\"", ":specialuse \"\\\\Junk\" :mailboxid \"F999\""})
        EXPECT_EQ(mailbox_of(run_store(h + "fileinto " + tags + " \"Named\";", &store).actions.at(0)), "Junk")
            << tags;
    auto r = run_store(h + "fileinto :mailboxid \"F999\" :specialuse \"\\\\Nope\" \"Named\";", &store);
    EXPECT_EQ(mailbox_of(r.actions.at(0)), "Named");
    // The prefixes belong to their fileinto only.
    r = run_store(h + "fileinto :mailboxid \"F123\" :specialuse \"\\\\Junk\" \"A\"; fileinto \"B\";", &store);
    ASSERT_EQ(r.actions.size(), 2u);
    EXPECT_EQ(mailbox_of(r.actions[1]), "B");
    EXPECT_EQ(as<fileinto_action>(r.actions[1]).mailbox_id, "");
    EXPECT_EQ(as<fileinto_action>(r.actions[1]).special_use, "");
}

TEST(fcc, tag_on_vacation_and_notify) {
    // RFC 8580 §4 example.
    auto s = script::compile(
        "require [\"vacation\", \"fcc\", \"mailbox\", \"imap4flags\"];\n"
        "vacation :days 7 :from \"hemingway@example.com\" :fcc \"INBOX.Sent\" :create "
        ":flags \"\\\\Seen\" \"Gone fishing\";");
    // Parsing is what fcc owns; the action field is filled by vacation.
    EXPECT_TRUE(s.ok()) << format(s.errors());
    EXPECT_NE(compile_errors("require [\"vacation\", \"fcc\"];\nvacation :fcc \"\" \"x\";")
                  .find("invalid :fcc mailbox"),
              std::string::npos);
    EXPECT_NE(
        compile_errors("require [\"vacation\"];\nvacation :fcc \"Sent\" \"x\";").find("requires the \"fcc\""),
        std::string::npos);
    EXPECT_TRUE(
        script::compile("require [\"enotify\", \"fcc\"];\nnotify :fcc \"Sent\" \"mailto:a@b.example\";")
            .ok());
}

// RFC 9042 §4.3: :mailboxid extends :fcc on vacation and notify (the
// RFC's example is notify's: tests/ext/enotify_test.cpp); alone it has
// nothing to apply to.
TEST(mailboxid, with_fcc_on_vacation_and_notify) {
    auto s = script::compile(
        "require [\"vacation\", \"fcc\", \"mailboxid\"];\n"
        "vacation :fcc \"INBOX.Sent\" :mailboxid \"F6352ae03\" \"Gone fishing\";");
    EXPECT_TRUE(s.ok()) << format(s.errors());
    auto errors = compile_errors(
        "require [\"enotify\", \"mailboxid\"];\nnotify :mailboxid \"F1\" \"mailto:a@b.example\";");
    EXPECT_NE(errors.find("2:19: error: :mailboxid on notify requires :fcc (RFC 9042 §4.3)"),
              std::string::npos)
        << errors;
    // fileinto's :mailboxid needs no :fcc.
    EXPECT_TRUE(
        script::compile("require [\"fileinto\", \"mailboxid\"];\nfileinto :mailboxid \"F1\" \"x\";").ok());
}

}  // namespace
}  // namespace sift::testing
