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

recipient via(std::string address, std::string mailer, std::vector<std::string> esmtp = {}) {
    auto r = rcpt(std::move(address), std::move(esmtp));
    r.mailer = std::move(mailer);
    return r;
}

const local_delivery site_mailers{{"lmtp", "local", "virtual"}, "+"};

TEST(MilterPlan, WithoutDetailCutsTheLocalPartAtTheFirstDelimiter) {
    EXPECT_EQ(without_detail("carol+Shopping@example.net", "+"), "carol@example.net");
    EXPECT_EQ(without_detail("carol+a+b@example.net", "+"), "carol@example.net");
    EXPECT_EQ(without_detail("carol-list@example.net", "+-"), "carol@example.net");
    EXPECT_EQ(without_detail("carol@example.net", "+"), "carol@example.net");
    EXPECT_EQ(without_detail("+x@example.net", "+"), "+x@example.net");
    EXPECT_EQ(without_detail("carol+x", "+"), "carol");
    EXPECT_EQ(without_detail("carol+x@example.net", ""), "carol+x@example.net");
}

TEST(MilterPlan, LocalIsAMailerOfTheListInAnyCase) {
    EXPECT_TRUE(delivered_locally(site_mailers, via("a@b", "lmtp")));
    EXPECT_TRUE(delivered_locally(site_mailers, via("a@b", "LOCAL")));
    EXPECT_FALSE(delivered_locally(site_mailers, via("a@b", "smtp")));
    EXPECT_FALSE(delivered_locally(site_mailers, via("a@b", "relay")));
    EXPECT_FALSE(delivered_locally(site_mailers, via("a@b", "")));  // the MTA did not say
    EXPECT_FALSE(delivered_locally(local_delivery{{}, "+"}, via("a@b", "lmtp")));
}

// plus.folders off (the policy keeps carol+Shopping): Dovecot's
// lmtp_save_to_detail_mailbox would file it into Shopping, so the local
// recipient goes to carol@ instead, its original as ORCPT (RFC 3461 xtext:
// '+' is +2B), its NOTIFY kept.
TEST(MilterPlan, AKeptLocalPlusAddressLosesItsDetail) {
    auto keep = delivering({keep_action{.implicit = true}});
    auto p = decide({via("carol+Shopping@example.net", "lmtp", {"NOTIFY=NEVER"})}, {keep}, {}, nullptr, {},
                    &site_mailers);
    std::vector<edit> want = {
        {k::delete_rcpt, {}, "<carol+Shopping@example.net>"},
        {k::add_rcpt, {}, "carol@example.net", "ORCPT=rfc822;carol+2BShopping@example.net NOTIFY=NEVER"},
    };
    EXPECT_EQ(p.edits, want);
    EXPECT_EQ(delivered_to(via("carol+Shopping@example.net", "lmtp"), keep, {}, &site_mailers),
              std::vector<std::string>{"carol@example.net"});
    // fileinto "INBOX" is the same; an ORCPT it came with is kept instead.
    p = decide({via("carol+Shopping@example.net", "local", {"ORCPT=rfc822;list@example.org"})},
               {delivering({fileinto_action{.mailbox = "INBOX"}})}, {}, nullptr, {}, &site_mailers);
    want = {{k::delete_rcpt, {}, "<carol+Shopping@example.net>"},
            {k::add_rcpt, {}, "carol@example.net", "ORCPT=rfc822;list@example.org"}};
    EXPECT_EQ(p.edits, want);
}

TEST(MilterPlan, RelayedOrUnknownPlusAddressesKeepTheirDetail) {
    auto keep = delivering({keep_action{.implicit = true}});
    for (const char* mailer : {"smtp", "relay", "esmtp", ""}) {
        auto p = decide({via("dave+lists@example.org", mailer)}, {keep}, {}, nullptr, {}, &site_mailers);
        EXPECT_TRUE(p.edits.empty()) << mailer;
        EXPECT_EQ(delivered_to(via("dave+lists@example.org", mailer), keep, {}, &site_mailers),
                  std::vector<std::string>{"dave+lists@example.org"})
            << mailer;
    }
    // No local_delivery at all (the default): as before.
    EXPECT_TRUE(decide({via("carol+Shopping@example.net", "lmtp")}, {keep}, {}).edits.empty());
    // A local address without a detail is left alone.
    EXPECT_TRUE(
        decide({via("carol@example.net", "lmtp")}, {keep}, {}, nullptr, {}, &site_mailers).edits.empty());
}

// plus.folders on: the policy files carol+Shopping into Shopping, which is
// the address it came with: nothing changes (no add-and-delete of one
// address, which Postfix turns into no recipient at all).
TEST(MilterPlan, APlusAddressFiledIntoItsOwnFolderStaysAsItCame) {
    auto p = decide({via("carol+Shopping@example.net", "lmtp")},
                    {delivering({fileinto_action{.mailbox = "Shopping"}})}, {}, nullptr, {}, &site_mailers);
    EXPECT_TRUE(p.edits.empty());
    // Into another folder: user+Folder as before, detail replaced.
    p = decide({via("carol+Shopping@example.net", "lmtp")},
               {delivering({fileinto_action{.mailbox = "Spam"}})}, {}, nullptr, {}, &site_mailers);
    std::vector<edit> want = {
        {k::delete_rcpt, {}, "<carol+Shopping@example.net>"},
        {k::add_rcpt, {}, "carol+Spam@example.net", "ORCPT=rfc822;carol+2BShopping@example.net"}};
    EXPECT_EQ(p.edits, want);
    // Its own folder and a copy in INBOX: the original stays, carol@ added.
    p = decide(
        {via("carol+Shopping@example.net", "lmtp")},
        {delivering({fileinto_action{.mailbox = "Shopping", .copy = true}, keep_action{.implicit = true}})},
        {}, nullptr, {}, &site_mailers);
    want = {{k::add_rcpt, {}, "carol@example.net", "ORCPT=rfc822;carol+2BShopping@example.net"}};
    EXPECT_EQ(p.edits, want);
}

// The quarantine folder leaves the recipient as it came (a released
// message is delivered as addressed), detail and all.
TEST(MilterPlan, TheQuarantineFolderLeavesAPlusAddressAsItCame) {
    auto p = decide({via("carol+Shopping@example.net", "lmtp")},
                    {delivering({fileinto_action{.mailbox = "Quarantine"}})}, {}, nullptr, "Quarantine",
                    &site_mailers);
    EXPECT_TRUE(p.edits.empty());
    EXPECT_FALSE(p.quarantine.empty());
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
