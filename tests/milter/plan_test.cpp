// sift-milter's end-of-message plan (milter/plan.hpp): what each recipient's
// result becomes at the MTA, checked edit by edit. The expected edits are
// written out by hand from the milter protocol's and RFC 3461's rules.
#include "plan.hpp"
#include "engine.hpp"

#include <gtest/gtest.h>

namespace sift::milter {
namespace {

using k = edit::kind;

recipient rcpt(std::string address, std::vector<std::string> esmtp = {}) {
    return {"<" + address + ">", address, std::move(esmtp)};
}

result delivering(action_list actions) {
    result r;
    r.verdict.what = verdict::kind::deliver;
    r.actions = std::move(actions);
    return r;
}

result with_verdict(verdict::kind what, int code = 0, std::string enhanced = {}, std::string text = {}) {
    result r;
    r.verdict = {what, code, std::move(enhanced), std::move(text)};
    return r;
}

TEST(MilterPlan, FolderNamesBecomeSafeDetails) {
    EXPECT_EQ(folder_detail("Junk"), "Junk");
    EXPECT_EQ(folder_detail("Work Stuff"), "Work=20Stuff");
    EXPECT_EQ(folder_detail("a+b%c!d@e/f|g"), "a=2Bb=25c=21d=40e=2Ff=7Cg");
    EXPECT_EQ(folder_detail("Lists.sift"), "Lists.sift");
    EXPECT_EQ(folder_detail(".hidden"), "=2Ehidden");
    EXPECT_EQ(folder_detail("a..b"), "a.=2Eb");
    EXPECT_EQ(folder_detail("end."), "end=2E");
    EXPECT_EQ(folder_detail("x=y"), "x=3Dy");
    EXPECT_EQ(folder_detail("\xC3\x9C"
                            "ber"),
              "=C3=9Cber");
}

TEST(MilterPlan, PlusAddressReplacesAnExistingDetail) {
    EXPECT_EQ(plus_address("bob@example.net", "Junk"), "bob+Junk@example.net");
    EXPECT_EQ(plus_address("bob+lists@example.net", "Work Stuff"), "bob+Work=20Stuff@example.net");
}

TEST(MilterPlan, XtextEncodesPlusEqualsAndControls) {
    EXPECT_EQ(xtext("bob@example.net"), "bob@example.net");
    EXPECT_EQ(xtext("a+b=c d"), "a+2Bb+3Dc+20d");
}

TEST(MilterPlan, MilterValueDropsTheLeadingBlankAndCarriageReturns) {
    EXPECT_EQ(milter_value(" yes"), "yes");
    EXPECT_EQ(milter_value("\tfirst\r\n second"), "first\n second");
}

TEST(MilterPlan, FileintoRewritesTheRecipientWithOrcpt) {
    auto p = decide({rcpt("bob@example.net")}, {delivering({fileinto_action{.mailbox = "Junk"}})}, {});
    ASSERT_EQ(p.what, plan::outcome::accept);
    std::vector<edit> want = {
        {k::delete_rcpt, {}, "<bob@example.net>"},
        {k::add_rcpt, {}, "bob+Junk@example.net", "ORCPT=rfc822;bob@example.net"},
    };
    EXPECT_EQ(p.edits, want);
}

// Postfix's delrcpt removes every recipient of the address, one the milter
// has just added too: mail to bob+Shopping filed into Shopping (plus.folders)
// must leave the recipient alone, never add and delete it.
TEST(MilterPlan, AFolderTheRecipientIsAlreadyAddressedToLeavesItAlone) {
    auto p = decide({rcpt("bob+Shopping@example.net")},
                    {delivering({fileinto_action{.mailbox = "Shopping"}})}, {});
    EXPECT_TRUE(p.edits.empty());
    p = decide({rcpt("bob@example.net")}, {delivering({redirect_action{.address = "bob@example.net"}})}, {});
    EXPECT_TRUE(p.edits.empty());
}

// ... and so every removal comes before every addition: a redirect to carol
// beside carol's own discard still reaches carol.
TEST(MilterPlan, RecipientsAreRemovedBeforeAnyIsAdded) {
    auto p = decide(
        {rcpt("fwd@example.net"), rcpt("carol@example.net")},
        {delivering({redirect_action{.address = "carol@example.net"}}), with_verdict(verdict::kind::discard)},
        {});
    std::vector<edit> want = {{k::delete_rcpt, {}, "<fwd@example.net>"},
                              {k::delete_rcpt, {}, "<carol@example.net>"},
                              {k::add_rcpt, {}, "carol@example.net", ""}};
    EXPECT_EQ(p.edits, want);
}

TEST(MilterPlan, AnOrcptAndNotifyTheRecipientCameWithAreKept) {
    auto r = rcpt("bob+x@example.net", {"NOTIFY=FAILURE", "ORCPT=rfc822;bob+2Bx@example.net"});
    auto p = decide({r}, {delivering({fileinto_action{.mailbox = "Junk"}})}, {});
    ASSERT_EQ(p.edits.size(), 2u);
    EXPECT_EQ(p.edits[1].value, "bob+Junk@example.net");
    EXPECT_EQ(p.edits[1].params, "ORCPT=rfc822;bob+2Bx@example.net NOTIFY=FAILURE");
}

TEST(MilterPlan, FileintoCopyBesideKeepKeepsTheRecipient) {
    auto p = decide(
        {rcpt("bob@example.net")},
        {delivering({fileinto_action{.mailbox = "Archive", .copy = true}, keep_action{.implicit = true}})},
        {});
    std::vector<edit> want = {{k::add_rcpt, {}, "bob+Archive@example.net", "ORCPT=rfc822;bob@example.net"}};
    EXPECT_EQ(p.edits, want);
}

TEST(MilterPlan, FileintoInboxIsTheRecipientItself) {
    auto p = decide({rcpt("bob@example.net")}, {delivering({fileinto_action{.mailbox = "INBOX"}})}, {});
    EXPECT_TRUE(p.edits.empty());
}

TEST(MilterPlan, RedirectAddsTheTargetAndRemovesTheRecipient) {
    auto p =
        decide({rcpt("fwd@example.net")}, {delivering({redirect_action{.address = "x@example.org"}})}, {});
    std::vector<edit> want = {{k::delete_rcpt, {}, "<fwd@example.net>"},
                              {k::add_rcpt, {}, "x@example.org", ""}};
    EXPECT_EQ(p.edits, want);
}

TEST(MilterPlan, TwoRecipientsRedirectingToOneAddressAddItOnce) {
    auto p = decide({rcpt("a@example.net"), rcpt("b@example.net")},
                    {delivering({redirect_action{.address = "x@example.org"}}),
                     delivering({redirect_action{.address = "x@example.org"}})},
                    {});
    std::vector<edit> want = {{k::delete_rcpt, {}, "<a@example.net>"},
                              {k::delete_rcpt, {}, "<b@example.net>"},
                              {k::add_rcpt, {}, "x@example.org", ""}};
    EXPECT_EQ(p.edits, want);
}

TEST(MilterPlan, TempfailBeatsRefusalAndRefusalBeatsDelivery) {
    auto keep = delivering({keep_action{.implicit = true}});
    auto refuse = with_verdict(verdict::kind::refuse, 550, "5.7.1", "no");
    auto tempfail = with_verdict(verdict::kind::tempfail, 451, "4.3.0", "store down");
    auto p =
        decide({rcpt("a@x.example"), rcpt("b@x.example"), rcpt("c@x.example")}, {keep, refuse, tempfail}, {});
    EXPECT_EQ(p.what, plan::outcome::tempfail);
    EXPECT_EQ(p.smtp_code, 451);
    EXPECT_EQ(p.enhanced_code, "4.3.0");
    // The client is not told what failed inside (the log says).
    EXPECT_EQ(p.text.find("store"), std::string::npos);
    p = decide({rcpt("a@x.example"), rcpt("b@x.example")}, {keep, refuse}, {});
    EXPECT_EQ(p.what, plan::outcome::refuse);
    EXPECT_EQ(p.smtp_code, 550);
    EXPECT_EQ(p.enhanced_code, "5.7.1");
    EXPECT_EQ(p.text, "no");
    EXPECT_TRUE(p.edits.empty());
}

TEST(MilterPlan, DiscardAloneDiscardsBesideKeepRemovesOnlyItsRecipient) {
    auto discard = with_verdict(verdict::kind::discard);
    EXPECT_EQ(decide({rcpt("a@x.example")}, {discard}, {}).what, plan::outcome::discard);
    auto p = decide({rcpt("a@x.example"), rcpt("b@x.example")}, {discard, delivering({keep_action{}})}, {});
    EXPECT_EQ(p.what, plan::outcome::accept);
    std::vector<edit> want = {{k::delete_rcpt, {}, "<a@x.example>"}};
    EXPECT_EQ(p.edits, want);
}

TEST(MilterPlan, HeaderRemovalsGoLastFieldFirstThenAdditionsInOrder) {
    auto r = delivering({keep_action{.implicit = true}});
    r.header_edits = {
        {header_edit::kind::add, "X-A", " 1", false, 0},
        {header_edit::kind::remove, "X-Old", "two", false, 2},
        {header_edit::kind::add, "X-B", "2", true, 0},
        {header_edit::kind::remove, "x-old", "one", false, 1},
        {header_edit::kind::add, "X-Gone", "g", false, 0},
        {header_edit::kind::remove, "X-Gone", "g", false, 0},  // the script's own field, removed again
    };
    auto p = decide({rcpt("a@x.example")}, {r}, {});
    std::vector<edit> want = {
        {k::delete_header, "X-Old", {}, {}, 2},
        {k::delete_header, "x-old", {}, {}, 1},
        {k::insert_header, "X-A", "1"},
        {k::add_header, "X-B", "2"},
    };
    EXPECT_EQ(p.edits, want);
}

TEST(MilterPlan, TheSameHeaderEditForTwoRecipientsIsMadeOnce) {
    auto r = delivering({keep_action{.implicit = true}});
    r.header_edits = {{header_edit::kind::add, "X-Spam-Score", "1", false, 0}};
    auto p = decide({rcpt("a@x.example"), rcpt("b@x.example")}, {r, r}, {});
    std::vector<edit> want = {{k::insert_header, "X-Spam-Score", "1"}};
    EXPECT_EQ(p.edits, want);
}

TEST(MilterPlan, ScoreFieldsOverReceivedOnesAreRemovalsThenAdditionsOnTop) {
    // The default policy's score fields over a message that came with
    // both (one X-Spam-Score, two X-Spam-Status) and an X-Spam-Flag, for
    // two recipients: one pass, each edit once, every removal before any
    // addition, and no change in place (the new fields go on top).
    auto r = delivering({keep_action{.implicit = true}});
    r.header_edits = {
        {header_edit::kind::remove, "X-Spam-Score", "9", false, 1},
        {header_edit::kind::remove, "X-Spam-Status", "Yes", false, 1},
        {header_edit::kind::remove, "X-Spam-Status", "Yes", false, 2},
        {header_edit::kind::add, "X-Spam-Score", "0", false, 0},
        {header_edit::kind::remove, "X-Spam-Flag", "YES", false, 1},
        {header_edit::kind::add, "X-Spam-Status", "No, score=0", false, 0},
    };
    auto p = decide({rcpt("a@x.example"), rcpt("b@x.example")}, {r, r}, {});
    std::vector<edit> want = {
        {k::delete_header, "X-Spam-Flag", {}, {}, 1},   {k::delete_header, "X-Spam-Score", {}, {}, 1},
        {k::delete_header, "X-Spam-Status", {}, {}, 2}, {k::delete_header, "X-Spam-Status", {}, {}, 1},
        {k::insert_header, "X-Spam-Score", "0"},        {k::insert_header, "X-Spam-Status", "No, score=0"},
    };
    EXPECT_EQ(p.edits, want);
}

TEST(MilterPlan, TwoAdditionsOfARemovedNameStayARemovalAndTwoAdditions) {
    auto r = delivering({keep_action{.implicit = true}});
    r.header_edits = {
        {header_edit::kind::remove, "X-Tag", "old", false, 1},
        {header_edit::kind::add, "X-Tag", "a", false, 0},
        {header_edit::kind::add, "X-Tag", "b", true, 0},
    };
    auto p = decide({rcpt("a@x.example")}, {r}, {});
    std::vector<edit> want = {
        {k::delete_header, "X-Tag", {}, {}, 1},
        {k::insert_header, "X-Tag", "a"},
        {k::add_header, "X-Tag", "b"},
    };
    EXPECT_EQ(p.edits, want);
}

TEST(MilterPlan, AFieldTwoRecipientsAddWithOtherValuesIsTheFirstOnes) {
    auto a = delivering({keep_action{.implicit = true}});
    a.header_edits = {{header_edit::kind::add, "X-Spam-Score", "4", false, 0},
                      {header_edit::kind::add, "X-Spam-Status", "No, score=4 required=5", false, 0}};
    auto b = delivering({keep_action{.implicit = true}});
    b.header_edits = {{header_edit::kind::add, "X-Spam-Score", "4", false, 0},
                      {header_edit::kind::add, "X-Spam-Status", "Yes, score=4 required=3", false, 0}};
    auto p = decide({rcpt("a@x.example"), rcpt("b@x.example")}, {a, b}, {});
    std::vector<edit> want = {
        {k::insert_header, "X-Spam-Score", "4"},
        {k::insert_header, "X-Spam-Status", "No, score=4 required=5"},
    };
    EXPECT_EQ(p.edits, want);
    EXPECT_EQ(p.header_conflicts, std::vector<std::string>{"X-Spam-Status"});
    // The same two the other way round: b's.
    p = decide({rcpt("b@x.example"), rcpt("a@x.example")}, {b, a}, {});
    EXPECT_EQ(p.edits.at(1), (edit{k::insert_header, "X-Spam-Status", "Yes, score=4 required=3"}));
}

TEST(MilterPlan, ARewrittenMessageReplacesHeaderAndBodyAfterTheEnvelope) {
    auto r = delivering({fileinto_action{.mailbox = "Junk"}});
    r.message = rewritten_message{"Subject: new\r\nX-Long: a\r\n b\r\n\r\nnew body\r\n", 0};
    r.message->body_offset = r.message->data.find("\r\n\r\n") + 4;
    r.header_edits = {{header_edit::kind::add, "X-Ignored", "already in the message", false, 0}};
    auto p = decide({rcpt("a@x.example")}, {r}, {"Subject", "To", "subject"});
    std::vector<edit> want = {
        {k::delete_header, "subject", {}, {}, 2},
        {k::delete_header, "To", {}, {}, 1},
        {k::delete_header, "Subject", {}, {}, 1},
        {k::add_header, "Subject", "new"},
        {k::add_header, "X-Long", "a\n b"},
        {k::delete_rcpt, {}, "<a@x.example>"},
        {k::add_rcpt, {}, "a+Junk@x.example", "ORCPT=rfc822;a@x.example"},
        {k::replace_body, {}, "new body\r\n"},
    };
    EXPECT_EQ(p.edits, want);
}

TEST(MilterEngine, UserScriptPathIsDomainAndLocalPartWithoutDetail) {
    EXPECT_EQ(user_script_path("/s", "Bob+lists@Example.NET"),
              std::filesystem::path("/s/example.net/bob.sieve"));
    // Nothing that could leave the directory or name a hidden file.
    EXPECT_EQ(user_script_path("/s", "../etc@example.net"), std::nullopt);
    EXPECT_EQ(user_script_path("/s", "a/b@example.net"), std::nullopt);
    EXPECT_EQ(user_script_path("/s", "bob@.."), std::nullopt);
    EXPECT_EQ(user_script_path("/s", "bob@a/b"), std::nullopt);
    EXPECT_EQ(user_script_path("/s", "no-domain"), std::nullopt);
    EXPECT_EQ(user_script_path("/s", "+x@example.net"), std::nullopt);
}

TEST(MilterEngine, ScriptsThatRefuseOrEditNeedTheirOwnTransaction) {
    EXPECT_TRUE(decides_alone(script::compile("require \"reject\"; reject \"no\";")));
    EXPECT_TRUE(decides_alone(script::compile("require \"ereject\"; ereject \"no\";")));
    EXPECT_TRUE(decides_alone(script::compile("require \"editheader\"; addheader \"X\" \"y\";")));
    EXPECT_FALSE(decides_alone(script::compile("require \"fileinto\"; fileinto \"Junk\";")));
    EXPECT_FALSE(decides_alone(script::compile("redirect \"a@example.org\";")));
}

}  // namespace
}  // namespace sift::milter
