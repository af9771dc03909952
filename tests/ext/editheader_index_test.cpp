// editheader (RFC 5293) and index (RFC 5260 §6).
#include "mail/header.hpp"
#include "test_support.hpp"

namespace sift::testing {
namespace {

constexpr const char* three_received =
    "Received: from a by b; Mon, 23 Nov 2026 07:00:00 +0000\r\n"
    "Received: from c by d; Mon, 23 Nov 2026 07:01:00 +0000\r\n"
    "Received: from e by f; Mon, 23 Nov 2026 07:02:00 +0000\r\n"
    "Subject: Frop!\r\n"
    "X-A: one\r\n"
    "X-A: two\r\n"
    "\r\n"
    "body\r\n";

result run_on(std::string_view source, std::string msg = three_received) {
    auto s = compiled(source);
    auto m = message::from_raw(std::move(msg));
    return s.run(m, default_envelope());
}

TEST(index, selects_one_field_from_top_or_bottom) {
    auto t = [](std::string cond) {
        return summary(run_on("require \"index\"; if " + cond + " { discard; }"));
    };
    EXPECT_EQ(t("header :index 1 :contains \"received\" \"from a\""), "discard");
    EXPECT_EQ(t("header :index 2 :contains \"received\" \"from a\""), "keep*");
    EXPECT_EQ(t("header :index 1 :last :contains \"received\" \"from e\""), "discard");
    EXPECT_EQ(t("header :index 4 :contains \"received\" \"from\""), "keep*");
    EXPECT_NE(compile_errors("require \"index\"; if header :index 0 \"received\" \"x\" { }")
                  .find("1:35: error: :index 0 selects no field"),
              std::string::npos);
}

TEST(index, works_on_date_and_requires_index_for_last) {
    auto r = run_on(
        "require [\"index\", \"date\", \"fileinto\", \"variables\"];\n"
        "if date :index 2 :zone \"+0000\" :matches \"received\" \"time\" \"*\" { fileinto \"${0}\"; }");
    EXPECT_EQ(summary(r), "fileinto:07:01:00");
    EXPECT_NE(compile_errors("require \"index\"; if header :last \"received\" \"x\" { }")
                  .find(":last requires :index"),
              std::string::npos);
    EXPECT_NE(
        compile_errors("if header :index 1 \"received\" \"x\" { }").find("requires the \"index\" capability"),
        std::string::npos);
}

TEST(editheader, added_fields_are_seen_by_later_tests) {
    auto r = run_on(
        "require [\"editheader\", \"fileinto\"];\n"
        "addheader \"X-Sift\" \"scanned\";\n"
        "if header :is \"x-sift\" \"scanned\" { fileinto \"Seen\"; }");
    EXPECT_EQ(summary(r), "fileinto:Seen");
    ASSERT_EQ(r.header_edits.size(), 1u);
    EXPECT_EQ(r.header_edits[0].what, header_edit::kind::add);
    EXPECT_EQ(r.header_edits[0].name, "X-Sift");
    EXPECT_FALSE(r.header_edits[0].last);
}

TEST(editheader, addheader_prepends_unless_last) {
    auto r = run_on(
        "require [\"editheader\", \"index\", \"fileinto\"];\n"
        "addheader \"X-A\" \"zero\";\naddheader :last \"X-A\" \"three\";\n"
        "if header :index 1 :is \"x-a\" \"zero\" { if header :index 1 :last :is \"x-a\" \"three\" "
        "{ fileinto \"Order\"; } }");
    EXPECT_EQ(summary(r), "fileinto:Order");
}

TEST(editheader, size_follows_the_edits) {
    std::string msg = three_received;
    auto size = std::to_string(msg.size());
    EXPECT_EQ(summary(run_on("require \"editheader\"; addheader \"X-Some-Header\" \"Header content\"; "
                             "if size :over " +
                             size + " { discard; }")),
              "discard");
    EXPECT_EQ(summary(run_on("require \"editheader\"; deleteheader \"subject\"; if size :under " + size +
                             " { discard; }")),
              "discard");
}

TEST(editheader, deleteheader_by_value_index_and_all) {
    auto r = run_on(
        "require [\"editheader\", \"fileinto\"];\ndeleteheader :is \"x-a\" \"two\";\n"
        "if header :is \"x-a\" \"two\" { fileinto \"Wrong\"; }\n"
        "if header :is \"x-a\" \"one\" { fileinto \"Kept\"; }");
    EXPECT_EQ(summary(r), "fileinto:Kept");
    ASSERT_EQ(r.header_edits.size(), 1u);
    EXPECT_EQ(r.header_edits[0].occurrence, 2u);  // the second X-A of the original
    EXPECT_EQ(
        summary(run_on("require \"editheader\"; deleteheader :index 1 :last \"x-a\"; "
                       "if header :is \"x-a\" \"one\" { if not header :is \"x-a\" \"two\" { discard; } }")),
        "discard");
    EXPECT_EQ(
        summary(run_on("require \"editheader\"; deleteheader \"x-a\"; if not exists \"x-a\" { discard; }")),
        "discard");
}

// The edited header is the message's own fields less the removed ones,
// between the added ones, whose text is kept by offset: they stay
// readable however many fields are added (a hundred outgrow the room the
// state leaves for them, so the text is reallocated), and a deleted
// field's occurrence is its place among the message's own fields of its
// name, names compared without case.
TEST(editheader, many_edits_keep_every_field_and_its_occurrence) {
    std::string script = "require [\"editheader\", \"index\"];\n";
    for (int i = 0; i < 100; ++i) script += "addheader :last \"X-N\" \"n" + std::to_string(i) + "\";\n";
    script += "deleteheader :index 3 \"x-a\";\n";
    script +=
        "if allof(header :index 1 :is \"x-n\" \"n0\", header :index 1 :last :is \"x-n\" \"n99\",\n"
        "         header :is \"subject\" \"Frop!\", header :index 2 :is \"x-a\" \"two\",\n"
        "         not header :is \"x-a\" \"three\") { discard; }";
    auto r = run_on(script,
                    "Received: from a by b; Mon, 23 Nov 2026 07:00:00 +0000\r\n"
                    "X-A: one\r\nSubject: Frop!\r\nx-a: two\r\nX-a: three\r\nX-A: four\r\n\r\nbody\r\n");
    EXPECT_EQ(summary(r), "discard");
    ASSERT_EQ(r.header_edits.size(), 101u);
    EXPECT_EQ(r.header_edits.back().what, header_edit::kind::remove);
    EXPECT_EQ(r.header_edits.back().name, "X-a");
    EXPECT_EQ(r.header_edits.back().occurrence, 3u);
    // Added fields first, then one of the message's: the occurrence counts
    // the message's own X-A fields only.
    auto s = run_on(
        "require [\"editheader\", \"index\"]; addheader \"X-A\" \"zero\"; deleteheader :index 3 \"x-a\";");
    ASSERT_EQ(s.header_edits.size(), 2u);
    EXPECT_EQ(s.header_edits[1].value, " two");
    EXPECT_EQ(s.header_edits[1].occurrence, 2u);
}

// Added fields at the top (newest first) and at the end, the message's
// own between them: :index counts them all in that order, deleteheader
// removes added and own ones alike (an added one's occurrence is 0), and
// a name no edit touched is read as the message has it.
TEST(editheader, index_counts_added_and_own_fields_and_deletes_either) {
    auto r = run_on(
        "require [\"editheader\", \"index\", \"fileinto\"];\n"
        "addheader \"X-A\" \"top1\";\naddheader \"X-A\" \"top2\";\n"
        "addheader :last \"X-A\" \"end1\";\naddheader :last \"X-A\" \"end2\";\n"
        "deleteheader :index 2 \"x-a\";\n"        // top1
        "deleteheader :index 2 :last \"X-A\";\n"  // end1
        "deleteheader :is \"x-a\" \"one\";\n"     // the message's first
        "deleteheader \"x-none\";\n"
        "if allof(header :index 1 :is \"x-a\" \"top2\", header :index 2 :is \"x-a\" \"two\",\n"
        "         header :index 3 :is \"x-a\" \"end2\", not header :index 4 :matches \"x-a\" \"*\",\n"
        "         header :is \"subject\" \"Frop!\", header :index 3 :contains \"received\" \"from e\")\n"
        "{ fileinto \"Order\"; }");
    EXPECT_EQ(summary(r), "fileinto:Order");
    ASSERT_EQ(r.header_edits.size(), 7u);
    EXPECT_EQ(r.header_edits[4].value, " top1");
    EXPECT_EQ(r.header_edits[4].occurrence, 0u);
    EXPECT_EQ(r.header_edits[5].value, " end1");
    EXPECT_EQ(r.header_edits[5].occurrence, 0u);
    EXPECT_EQ(r.header_edits[6].value, " one");
    EXPECT_EQ(r.header_edits[6].occurrence, 1u);
    // A field of the message deleted, then one of its name added: only
    // the added one is seen; deleting every X-A leaves none.
    EXPECT_EQ(
        summary(run_on("require \"editheader\"; deleteheader \"subject\"; addheader \"Subject\" \"new\";\n"
                       "addheader :last \"X-A\" \"three\"; deleteheader \"x-a\";\n"
                       "if allof(header :is \"subject\" \"new\", not header :is \"subject\" \"Frop!\",\n"
                       "         not exists \"x-a\") { discard; }")),
        "discard");
}

TEST(editheader, protected_fields_are_left_alone) {
    auto r = run_on(
        "require \"editheader\"; deleteheader \"received\"; deleteheader \"Subject\"; "
        "if allof(exists \"received\", not exists \"subject\") { discard; }");
    EXPECT_EQ(summary(r), "discard");
    eval_limits limits;
    limits.editheader_forbid_add = {"x-frop"};
    auto s =
        compiled("require \"editheader\"; addheader \"X-Frop\" \"x\"; if exists \"x-frop\" { discard; }");
    auto m = message::from_raw(three_received);
    EXPECT_EQ(summary(s.run(m, default_envelope(), {.limits = limits})), "keep*");
}

// eval_limits::editheader_max_header_size bounds each run, whatever the
// script was compiled with: an image compiled under the default (2048)
// and run with 4 fails on its constant value as on one from a variable
// (RFC 5228 §2.10.6: the actions are cancelled, the message is kept).
TEST(editheader, the_runs_limit_bounds_values_of_an_image_compiled_with_another) {
    auto image = compiled(
                     "require [\"editheader\", \"variables\", \"fileinto\"];\n"
                     "set \"v\" \"abcd\";\naddheader \"X-A\" \"${v}\";\nfileinto \"Edited\";\n"
                     "addheader \"X-B\" \"abcde\";")
                     .save();
    auto s = script::load(image);
    ASSERT_TRUE(s.ok());
    auto m = message::from_raw(three_received);
    eval_limits limits;
    limits.editheader_max_header_size = 5;
    EXPECT_EQ(summary(s.run(m, default_envelope(), {.limits = limits})), "fileinto:Edited");
    limits.editheader_max_header_size = 4;
    auto r = s.run(m, default_envelope(), {.limits = limits});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.errors.at(0), "line 5: header value longer than 4 octets");
    EXPECT_EQ(summary(r), "keep*");
    limits.editheader_max_header_size = 3;
    r = s.run(m, default_envelope(), {.limits = limits});  // the first, from a variable, fails now
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.errors.at(0), "line 3: header value longer than 3 octets");
}

TEST(editheader, non_ascii_values_are_encoded_and_read_back) {
    auto r = run_on(
        "require [\"editheader\", \"fileinto\"];\naddheader \"Comment\" \"Ein unerh\xc3\xb6rt Test\";\n"
        "if header :is \"comment\" \"Ein unerh\xc3\xb6rt Test\" { fileinto \"Round\"; }");
    EXPECT_EQ(summary(r), "fileinto:Round");
    ASSERT_EQ(r.header_edits.size(), 1u);
    EXPECT_NE(r.header_edits[0].value.find("=?"), std::string::npos);
}

TEST(editheader, line_breaks_in_values_become_spaces) {
    // A text: value ends in CRLF and may hold folded lines; stored as is it
    // would end the header block (RFC 5293 §4).
    auto r = run_on(
        "require [\"editheader\", \"fileinto\"];\naddheader \"X-Long\" text:\nfirst line\n  second "
        "line\n.\n;\n"
        "if header :is \"x-long\" \"first line second line\" { fileinto \"Flat\"; }");
    EXPECT_EQ(summary(r), "fileinto:Flat");
    ASSERT_EQ(r.header_edits.size(), 1u);
    EXPECT_EQ(r.header_edits[0].value, " first line second line");
}

// After an edit, run_state reads a name no edit touched from the message's
// own index (vm::header_view::touched), without the view; a name whose key
// shares a touched name's bit goes through the view and must still see the
// message's fields.
TEST(editheader, untouched_names_read_from_the_message_after_edits) {
    // A name of the message whose key bit is X-A's (touched below), and one
    // whose bit no edit touches.
    auto bit = [](std::string_view n) { return mail::key_bit(mail::name_key(n)); };
    std::string shared, apart;
    for (int i = 0; i < 10000 && (shared.empty() || apart.empty()); ++i) {
        auto n = "X-B" + std::to_string(i);
        if (bit(n) == bit("X-A") && bit(n) != bit("X-New")) {
            if (shared.empty()) shared = n;
        } else if (bit(n) != bit("X-New") && bit(n) != bit("Subject") && apart.empty()) {
            apart = n;
        }
    }
    ASSERT_FALSE(shared.empty());
    ASSERT_FALSE(apart.empty());
    std::string msg = std::string(three_received);
    msg.insert(msg.find("\r\n\r\n") + 2, shared + ": s\r\n" + apart + ": a\r\nFrom: <a@b.example>\r\n");
    auto t = [&](const std::string& cond) {
        return summary(
            run_on("require [\"editheader\", \"index\"];\n"
                   "deleteheader \"x-a\"; addheader \"X-New\" \"n\";\n"
                   "if " +
                       cond + " { discard; }",
                   msg));
    };
    EXPECT_EQ(t("exists [\"" + shared + "\", \"" + apart + "\", \"subject\", \"x-new\"]"), "discard");
    EXPECT_EQ(t("exists \"x-a\""), "keep*");
    EXPECT_EQ(t("exists [\"" + apart + "\", \"x-absent\"]"), "keep*");
    EXPECT_EQ(t("header :is \"" + shared + "\" \"s\""), "discard");
    EXPECT_EQ(t("header :is \"" + apart + "\" \"a\""), "discard");
    EXPECT_EQ(t("header :index 1 :is \"" + apart + "\" \"a\""), "discard");
    EXPECT_EQ(t("address :domain \"from\" \"b.example\""), "discard");
    EXPECT_EQ(t("header :contains \"x-a\" \"o\""), "keep*");
}

TEST(editheader, errors) {
    EXPECT_NE(compile_errors("require \"editheader\";\naddheader \"Bad Name\" \"x\";")
                  .find("2:11: error: invalid header field name"),
              std::string::npos);
    EXPECT_NE(
        compile_errors("require \"editheader\"; deleteheader :last \"x\";").find(":last requires :index"),
        std::string::npos);
    std::string big(3000, 'a');
    auto s = compiled("require [\"editheader\", \"variables\"]; set \"v\" \"" + big +
                      "\"; addheader \"X\" \"${v}\";");
    auto m = message::from_raw(three_received);
    auto r = s.run(m, default_envelope());
    EXPECT_FALSE(r.ok());
    EXPECT_TRUE(r.header_edits.empty());  // a failed run edits nothing
}

}  // namespace
}  // namespace sift::testing
