// vacation (RFC 5230) and vacation-seconds (RFC 6131): who gets a reply
// (§4.5, RFC 3834 §2), the reply (§4.6, RFC 3834 §3), once per period per
// sender and handle (§4.2) in the state store, failures.
#include "ext/vacation/reply.hpp"
#include "mail/message.hpp"
#include "state_test_support.hpp"

#include <unistd.h>
#include <filesystem>

namespace sift::testing {
namespace {

using namespace std::chrono_literals;

const envelope env{"bob@example.org", "anna@example.net", {}, {}};

std::string msg(std::string extra = "", std::string to = "anna@example.net") {
    return "From: \"Bob B\" <bob@example.org>\r\nTo: " + to +
           "\r\nSubject: Lunch?\r\nMessage-ID: <m1@example.org>\r\nReferences: <m0@example.org>\r\n" + extra +
           "\r\nHello\r\n";
}

constexpr std::string_view simple = "require \"vacation\"; vacation \"I am away.\";";

struct vacation : state_fixture {
    // A sender not replied to yet.
    int senders = 0;
    envelope fresh() {
        return envelope{"bob" + std::to_string(++senders) + "@example.org", "anna@example.net", {}, {}};
    }
    // The vacation action of a run (there must be one).
    vacation_action reply(std::string_view source, std::string raw, envelope e = env) {
        auto r = run_with(source, std::move(raw), e);
        EXPECT_TRUE(r.ok()) << (r.errors.empty() ? "" : r.errors.front());
        for (const auto& a : r.actions)
            if (const auto* v = std::get_if<vacation_action>(&a)) return *v;
        ADD_FAILURE() << "no vacation action: " << summary(r);
        return {};
    }
    bool sent(std::string_view source, std::string raw, envelope e = env) {
        return reply(source, std::move(raw), std::move(e)).outgoing.has_value();
    }
    std::string header(const vacation_action& a, std::string_view name) {
        auto m = mail::message::parse(a.outgoing.value().data);
        const auto* f = m.first(name);
        return f ? mail::message::decode(f->value) : "<none>";
    }
};

TEST_F(vacation, reply_is_a_complete_rfc3834_message) {
    auto r = run_with(simple, msg(), env);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(summary(r), "vacation; keep*");  // §4.7: the implicit keep stays
    const auto& a = as<vacation_action>(r.actions[0]);
    ASSERT_TRUE(a.outgoing);
    EXPECT_EQ(a.outgoing->envelope_from, "");  // RFC 3834 §3.3: null reverse-path
    EXPECT_EQ(a.outgoing->recipients, std::vector<std::string>{"bob@example.org"});
    EXPECT_EQ(a.recipient, "bob@example.org");
    EXPECT_EQ(a.body, "I am away.");
    EXPECT_EQ(header(a, "From"), "<anna@example.net>");
    EXPECT_EQ(header(a, "To"), "\"Bob B\" <bob@example.org>");
    EXPECT_EQ(header(a, "Subject"), "Auto: Lunch?");
    EXPECT_EQ(a.subject, "Auto: Lunch?");
    EXPECT_EQ(header(a, "In-Reply-To"), "<m1@example.org>");
    EXPECT_EQ(header(a, "References"), "<m0@example.org> <m1@example.org>");
    EXPECT_EQ(header(a, "Auto-Submitted"), "auto-replied (vacation)");
    EXPECT_EQ(header(a, "Content-Type"), "text/plain; charset=utf-8");
    EXPECT_NE(header(a, "Date"), "<none>");
    EXPECT_NE(header(a, "Message-ID").find("@example.net>"), std::string::npos);
    EXPECT_NE(a.outgoing->data.find("\r\n\r\nI am away.\r\n"), std::string::npos);
    for (std::size_t i = 0; i < a.outgoing->data.size(); ++i) {  // CRLF only
        if (a.outgoing->data[i] == '\n') {
            ASSERT_EQ(a.outgoing->data[i - 1], '\r');
        }
    }
}

TEST_F(vacation, subject_from_and_body_encodings) {
    auto a = reply(
        "require \"vacation\"; vacation :subject \"Abwesend – Grüße\" :from \"Anna Müller "
        "<anna@example.net>\""
        " \"Zurück am Montag.\";",
        msg());
    ASSERT_TRUE(a.outgoing);
    EXPECT_NE(a.outgoing->data.find("Subject: =?utf-8?b?"), std::string::npos);  // RFC 2047
    EXPECT_EQ(header(a, "Subject"), "Abwesend – Grüße");
    EXPECT_EQ(header(a, "From"), "Anna Müller <anna@example.net>");
    EXPECT_NE(a.outgoing->data.find("Content-Transfer-Encoding: quoted-printable"), std::string::npos);
    EXPECT_NE(a.outgoing->data.find("Zur=C3=BCck am Montag."), std::string::npos);
    // An original subject in encoded words comes back decoded after "Auto: ".
    auto b = reply(
        simple,
        "From: bob@example.org\r\nTo: anna@example.net\r\nSubject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\r\n\r\nx\r\n",
        fresh());
    EXPECT_EQ(b.subject, "Auto: Grüße");
    EXPECT_EQ(header(b, "Subject"), "Auto: Grüße");
    // No subject, no Message-ID: a default subject and no In-Reply-To.
    auto c = reply(simple, "From: bob@example.org\r\nTo: anna@example.net\r\n\r\nx\r\n", fresh());
    EXPECT_EQ(header(c, "Subject"), "Automated reply");
    EXPECT_EQ(header(c, "In-Reply-To"), "<none>");
    // A subject a script wrote in encoded words goes out as written.
    auto d = reply("require \"vacation\"; vacation :subject \"=?utf-8?b?w4TDlsOc?= sadasd\" \"x\";", msg());
    EXPECT_EQ(header(d, "Subject"), "ÄÖÜ sadasd");
}

TEST_F(vacation, long_subjects_are_folded) {
    std::string words;
    for (int i = 0; i < 40; ++i) words += "Lorem ipsum ";
    auto a =
        reply(simple, "From: bob@example.org\r\nTo: anna@example.net\r\nSubject: " + words + "\r\n\r\nx\r\n");
    ASSERT_TRUE(a.outgoing);
    auto end = a.outgoing->data.find("\r\n\r\n");
    for (std::size_t at = 0, next; (next = a.outgoing->data.find("\r\n", at)) <= end; at = next + 2)
        EXPECT_LE(next - at, 78u);
    auto japanese =
        std::string(60, 'x') +
        "日本語の件名はとても長いです。日本語の件名はとても長いです。日本語の件名はとても長いです。";
    auto b = reply(simple,
                   "From: bob@example.org\r\nTo: anna@example.net\r\nSubject: " + japanese + "\r\n\r\nx\r\n",
                   fresh());
    EXPECT_EQ(header(b, "Subject"), "Auto: " + japanese);
}

// §4.6 leaves the subject without :subject to the implementation:
// vacation_options give the site's default and template, and bound it.
TEST_F(vacation, site_default_subject_template_and_limit) {
    options.vacation.default_subject = "Out of office";
    options.vacation.subject_template = "Re: %{subject} (%$)";
    EXPECT_EQ(reply(simple, msg()).subject, "Re: Lunch? (Lunch?)");
    auto none = reply(simple, "From: bob@example.org\r\nTo: anna@example.net\r\n\r\nx\r\n", fresh());
    EXPECT_EQ(header(none, "Subject"), "Out of office");
    // An explicit :subject is used as it is.
    auto given = reply("require \"vacation\"; vacation :subject \"Away\" \"x\";", msg(), fresh());
    EXPECT_EQ(given.subject, "Away");
    // A derived subject longer than max_subject_length characters is cut,
    // an ellipsis taking the last place.
    options.vacation = {};
    options.vacation.max_subject_length = 12;
    auto cut =
        reply(simple, "From: bob@example.org\r\nTo: anna@example.net\r\nSubject: Grüße aus Bern\r\n\r\nx\r\n",
              fresh());
    EXPECT_EQ(cut.subject, "Auto: Grüße\u2026");
    EXPECT_EQ(header(cut, "Subject"), "Auto: Grüße\u2026");
    options.vacation.max_subject_length = 0;  // no limit
    EXPECT_EQ(
        reply(simple, "From: bob@example.org\r\nTo: anna@example.net\r\nSubject: Grüße aus Bern\r\n\r\nx\r\n",
              fresh())
            .subject,
        "Auto: Grüße aus Bern");
}

TEST_F(vacation, site_options_for_to_field_and_envelope_sender) {
    const std::string srs =
        "From: \"Bob B\" <bob@example.org>\r\nSender: \"List Bot\" <bot@example.org>\r\n"
        "To: anna@example.net\r\nSubject: x\r\n\r\nx\r\n";
    envelope rewritten{"srs0=ab=cd=example.org=bob@relay.example", "anna@example.net", {}, {}};
    auto plain = reply(simple, srs, rewritten);
    EXPECT_EQ(header(plain, "To"), "<srs0=ab=cd=example.org=bob@relay.example>");
    EXPECT_EQ(plain.outgoing->envelope_from, "");
    options.vacation.to_header_ignore_envelope = true;
    options.vacation.send_from_recipient = true;
    rewritten.from = "srs0=ef=gh=example.org=bob@relay.example";
    auto a = reply(simple, srs, rewritten);
    EXPECT_EQ(header(a, "To"), "\"List Bot\" <bot@example.org>");
    EXPECT_EQ(a.outgoing->recipients, std::vector<std::string>{rewritten.from});  // still the envelope sender
    EXPECT_EQ(a.outgoing->envelope_from, "anna@example.net");
}

TEST_F(vacation, mime_reason_is_used_as_is) {
    auto a = reply(
        "require \"vacation\"; vacation :mime text:\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        "<p>away</p>\r\n.\r\n;",
        msg());
    ASSERT_TRUE(a.outgoing);
    EXPECT_EQ(header(a, "Content-Type"), "text/html; charset=utf-8");
    EXPECT_NE(a.outgoing->data.find(
                  "MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>away</p>\r\n"),
              std::string::npos);
}

TEST_F(vacation, never_replies_to_automatic_or_list_mail) {
    EXPECT_FALSE(sent(simple, msg(), envelope{"", "anna@example.net", {}, {}}));  // null sender
    EXPECT_FALSE(sent(simple, msg("Auto-Submitted: auto-generated\r\n")));
    EXPECT_FALSE(sent(simple, msg("Auto-Submitted: auto-replied; owner-email=x@y\r\n")));
    EXPECT_TRUE(sent(simple, msg("Auto-Submitted: No\r\n")));
    for (auto p : {"bulk", "junk", "List"})
        EXPECT_FALSE(sent(simple, msg("Precedence: " + std::string(p) + "\r\n"))) << p;
    EXPECT_FALSE(sent(simple, msg("List-Id: <dovecot.lists.example.com>\r\n")));
    EXPECT_FALSE(sent(simple, msg("List-Unsubscribe: <mailto:u@example.org>\r\n")));
    EXPECT_FALSE(sent(simple, msg("X-Auto-Response-Suppress: DR, OOF,\tRN\r\n")));
    for (auto sender : {"MAILER-DAEMON@example.org", "owner-list@example.org", "list-request@example.org",
                        "LISTSERV@example.org", "majordomo@example.org"})
        EXPECT_FALSE(sent(simple, msg(), envelope{sender, "anna@example.net", {}, {}})) << sender;
    auto a = reply(simple, msg("List-Id: <x.example.com>\r\n"));
    EXPECT_NE(a.not_sent.find("mailing list"), std::string::npos);
}

TEST_F(vacation, replies_only_when_the_user_is_addressed) {
    // RFC 5230 §4.5: the envelope recipient or :addresses in To/Cc/Bcc/Resent-*.
    EXPECT_FALSE(sent(simple, msg("", "all@example.net")));
    EXPECT_TRUE(sent(simple, msg("Cc: ANNA@Example.NET\r\n", "all@example.net")));
    EXPECT_TRUE(sent(simple, msg("Bcc: anna@example.net\r\n", "all@example.net"), fresh()));
    EXPECT_TRUE(sent(simple, msg("Resent-To: anna@example.net\r\n", "all@example.net"), fresh()));
    auto alias =
        "require \"vacation\"; vacation :addresses [\"a.m@example.net\", \"all@example.net\"] \"away\";";
    auto a = reply(alias, msg("", "Team <all@example.net>"));
    ASSERT_TRUE(a.outgoing);
    EXPECT_EQ(header(a, "From"), "<all@example.net>");  // the address the message came to
    // A host's own list of the user's addresses counts too.
    options.vacation.user_addresses = {"anna.m@example.net"};
    EXPECT_TRUE(sent(simple, msg("", "anna.m@example.net"), fresh()));
    options.vacation.check_recipient = false;
    EXPECT_TRUE(sent(simple, msg("", "nobody@example.net"), fresh()));
}

TEST_F(vacation, never_replies_to_the_users_own_addresses) {
    EXPECT_FALSE(sent(simple, msg(), envelope{"Anna@example.net", "anna@example.net", {}, {}}));
    EXPECT_FALSE(sent("require \"vacation\"; vacation :addresses \"bob@example.org\" \"away\";", msg()));
}

TEST_F(vacation, once_per_sender_and_period) {
    EXPECT_TRUE(sent(simple, msg()));
    auto again = reply(simple, msg());
    EXPECT_FALSE(again.outgoing);
    EXPECT_NE(again.not_sent.find("already replied"), std::string::npos);
    // Another sender gets a reply; the first again after 7 days (the default).
    EXPECT_TRUE(sent(simple, msg(), envelope{"carol@example.org", "anna@example.net", {}, {}}));
    host.advance(7 * 24h - 1s);
    EXPECT_FALSE(sent(simple, msg()));
    host.advance(1s);
    EXPECT_TRUE(sent(simple, msg()));
}

TEST_F(vacation, days_and_seconds_periods) {
    auto days = "require \"vacation\"; vacation :days 2 \"away\";";
    EXPECT_TRUE(sent(days, msg()));
    host.advance(48h - 1s);
    EXPECT_FALSE(sent(days, msg()));
    host.advance(1s);
    EXPECT_TRUE(sent(days, msg()));
    // :seconds 0: reply to every message, remember nothing (RFC 6131 §2).
    auto always = "require [\"vacation\", \"vacation-seconds\"]; vacation :seconds 0 \"always\";";
    EXPECT_TRUE(sent(always, msg()));
    EXPECT_TRUE(sent(always, msg()));
    // Small and large periods are clamped to the site's bounds (1 day, 60 days).
    ext::vacation::request r;
    r.seconds = 60;
    EXPECT_EQ(ext::vacation::period(r, options.vacation), 24h);
    r.seconds.reset();
    r.days = 0;
    EXPECT_EQ(ext::vacation::period(r, options.vacation), 24h);
    r.days = 365;
    EXPECT_EQ(ext::vacation::period(r, options.vacation), 60 * 24h);
    r.days = ~std::uint64_t{0};
    EXPECT_EQ(ext::vacation::period(r, options.vacation), 60 * 24h);
    options.vacation.min_period = 0s;
    r.days.reset();
    r.seconds = 60;
    EXPECT_EQ(ext::vacation::period(r, options.vacation), 60s);
}

TEST_F(vacation, handles_separate_replies) {
    // §4.2: without :handle, a changed reason is a new auto-reply.
    EXPECT_TRUE(sent("require \"vacation\"; vacation \"first\";", msg()));
    EXPECT_TRUE(sent("require \"vacation\"; vacation \"second\";", msg()));
    EXPECT_TRUE(sent("require \"vacation\"; vacation :subject \"S\" \"second\";", msg()));
    EXPECT_FALSE(sent("require \"vacation\"; vacation :subject \"S\" \"second\";", msg()));
    // The same :handle is one auto-reply whatever its text.
    EXPECT_TRUE(sent("require \"vacation\"; vacation :handle \"h\" \"one\";", msg()));
    EXPECT_FALSE(sent("require \"vacation\"; vacation :handle \"h\" \"two\";", msg()));
    EXPECT_TRUE(sent("require \"vacation\"; vacation :handle \"other\" \"two\";", msg()));
}

TEST_F(vacation, variables_are_expanded_and_checked) {
    auto a = reply(
        "require [\"vacation\", \"variables\"]; set \"f\" \"me@example.net\"; set \"s\" \"Out\";"
        "vacation :from \"${f}\" :subject \"${s}\" \"away ${s}\";",
        msg());
    EXPECT_EQ(header(a, "From"), "me@example.net");
    EXPECT_EQ(header(a, "Subject"), "Out");
    EXPECT_EQ(a.body, "away Out");
    auto r = run_with(
        "require [\"vacation\", \"variables\"]; set \"f\" \"not an address\"; vacation :from \"${f}\" \"x\";",
        msg(), env);
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(summary(r), "keep*");
}

TEST_F(vacation, runtime_errors_and_conflicts) {
    auto twice = run_with("require \"vacation\"; vacation \"a\"; vacation \"b\";", msg(), env);
    EXPECT_FALSE(twice.ok());
    EXPECT_NE(twice.errors.front().find("duplicate vacation"), std::string::npos);
    for (auto script : {"require [\"vacation\", \"reject\"]; vacation \"a\"; reject \"no\";",
                        "require [\"vacation\", \"reject\"]; reject \"no\"; vacation \"a\";"}) {
        auto r = run_with(script, msg(), env);
        EXPECT_FALSE(r.ok()) << script;
        EXPECT_EQ(summary(r), "keep*");
    }
    // A run that fails after the vacation forgets it: the next one replies.
    auto failed = run_with("require [\"vacation\", \"ihave\"]; vacation \"a\"; error \"boom\";", msg(), env);
    EXPECT_FALSE(failed.ok());
    EXPECT_EQ(summary(failed), "keep*");
    EXPECT_TRUE(sent("require \"vacation\"; vacation \"a\";", msg()));
}

TEST_F(vacation, store_missing_or_failing_is_a_runtime_error_and_keep) {
    host.set_state(nullptr);
    auto r = run_with(simple, msg(), env);
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(summary(r), "keep*");
    EXPECT_NE(r.errors.front().find("no state store configured"), std::string::npos);
    auto plain = compiled(simple).run(message::from_raw(msg()), env);  // no services at all
    EXPECT_FALSE(plain.ok());
    failing_store down;
    host.set_state(&down);
    r = run_with(simple, msg(), env);
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(summary(r), "keep*");
    EXPECT_NE(r.errors.front().find("Connection refused"), std::string::npos);
}

TEST_F(vacation, compile_time_checks) {
    EXPECT_NE(compile_errors("require \"vacation\"; vacation :from \"not an address\" \"x\";").find(":from"),
              std::string::npos);
    EXPECT_NE(compile_errors("require \"vacation\"; vacation :addresses [\"a@b.c\", \"bad\"] \"x\";")
                  .find(":addresses"),
              std::string::npos);
    EXPECT_NE(compile_errors("require \"vacation\"; vacation :days \"7\" \"x\";").find("days"),
              std::string::npos);
    compile_errors("require \"vacation\"; vacation :seconds 5 \"x\";");  // needs vacation-seconds
    compile_errors("require [\"vacation\", \"vacation-seconds\"]; vacation :days 1 :seconds 5 \"x\";");
    {
        // Compiles with a warning (Pigeonhole compiles such scripts too); running it fails safely.
        auto s = script::compile("require \"vacation\"; vacation :mime \"just text\";", "t.sieve");
        ASSERT_TRUE(s.ok());
        ASSERT_EQ(s.warnings().size(), 1u);
        EXPECT_NE(s.warnings()[0].message.find("MIME entity"), std::string::npos);
    }
    compile_errors("vacation \"x\";");                                      // require
    compiled("require \"vacation-seconds\"; vacation :seconds 60 \"x\";");  // implies "vacation"
    compiled(
        "require [\"vacation\", \"vacation-seconds\"]; vacation :seconds 0 :subject \"s\" :from \"A "
        "<a@b.c>\" "
        ":addresses [\"x@y.z\"] :handle \"h\" \"reason\";");
}

TEST_F(vacation, lmdb_store_remembers_across_reopening) {
    auto dir = std::filesystem::temp_directory_path() / ("sift-vacation-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    store::store_config config;
    config.kind = store::store_kind::lmdb;
    config.path = (dir / "state.mdb").string();
    {
        auto lmdb = store::open_store(config);
        host.set_state(lmdb.get());
        EXPECT_TRUE(sent(simple, msg()));
    }
    {
        auto lmdb = store::open_store(config);
        host.set_state(lmdb.get());
        EXPECT_FALSE(sent(simple, msg()));
    }
    host.set_state(state.get());
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace sift::testing
