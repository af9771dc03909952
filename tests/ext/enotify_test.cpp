// RFC 5435 (enotify) and RFC 5436 (mailto): URI parsing, compile-time
// checks, the notification message, deduplication, :encodeurl.
#include "test_support.hpp"

#include "ext/enotify/mailto.hpp"

namespace sift::testing {
namespace {

std::optional<ext::mailto_uri> parse(std::string_view uri, ext::uri_error* err = nullptr) {
    ext::uri_error e;
    auto r = ext::parse_mailto(uri, e);
    if (err) *err = e;
    return r;
}

result evaluate(const std::string& body, const std::string& raw = sample_message,
                const eval_limits& limits = {}) {
    auto s = compiled("require [\"enotify\", \"variables\", \"fileinto\"];\n" + body);
    return s.run(message::from_raw(raw), default_envelope(), {.limits = limits});
}

std::vector<const notify_action*> notifications(const result& r) {
    std::vector<const notify_action*> out;
    for (const auto& a : r.actions)
        if (const auto* n = std::get_if<notify_action>(&a)) out.push_back(n);
    return out;
}

TEST(Mailto, RecipientsAndHeaders) {
    auto u = parse(
        "mailto:timo@example.com%2cstephan@dovecot.example.net?cc=postmaster@frop.example.org"
        "&subject=Frop%20received&body=Hi%0D%0Athere&X-Tag=a%26b");
    ASSERT_TRUE(u);
    ASSERT_EQ(u->to.size(), 2u);
    EXPECT_EQ(u->to[1].address, "stephan@dovecot.example.net");
    ASSERT_EQ(u->cc.size(), 1u);
    EXPECT_EQ(*u->subject, "Frop received");
    EXPECT_EQ(*u->body, "Hi\r\nthere");
    ASSERT_EQ(u->headers.size(), 1u);
    EXPECT_EQ(u->headers[0].second, "a&b");
}

TEST(Mailto, DisplayNamesInFields) {
    auto u = parse("mailto:?to=%3D%3Futf-8%3Fq%3FG%3DC3%3DBCnther%3F%3D%20%3Cg%40example.com%3E");
    ASSERT_TRUE(u);
    EXPECT_EQ(u->to[0].address, "g@example.com");
    EXPECT_EQ(u->to[0].header, "=?utf-8?q?G=C3=BCnther?= <g@example.com>");
}

TEST(Mailto, RestrictedHeadersIgnored) {
    auto u =
        parse("mailto:a@example.com?from=evil@example.com&auto-submitted=no&bcc=spy@example.com&received=x");
    ASSERT_TRUE(u);
    EXPECT_TRUE(u->headers.empty());
    EXPECT_TRUE(u->cc.empty());
}

TEST(Mailto, Invalid) {
    ext::uri_error e;
    EXPECT_FALSE(parse("mailto:stephan%23example.org", &e));
    EXPECT_NE(e.message.find("invalid recipient"), std::string::npos);
    EXPECT_FALSE(parse("mailto:stephan@example.org?header<=frop", &e));
    EXPECT_EQ(e.offset, 33u);  // the '<'
    EXPECT_FALSE(parse("mailto:stephan@example.org?header=fr>op", &e));
    EXPECT_FALSE(parse("mailto:stephan@example.org?header:=frop", &e));
    EXPECT_FALSE(parse("mailto:stephan@example.org;?header=frop", &e));
    EXPECT_FALSE(parse("mailto:a@example.org?to=nico%23frop.example.org", &e));
    EXPECT_FALSE(parse("mailto:a@example.org%2", &e));
    EXPECT_NE(e.message.find("percent"), std::string::npos);
    EXPECT_FALSE(parse("mailto:", &e));
    EXPECT_FALSE(parse("http://example.com", &e));
}

TEST(Mailto, EncodeUrl) {
    EXPECT_EQ(ext::encode_url("\\frop\\&fruts/^@"), "%5Cfrop%5C%26fruts%2F%5E%40");
    EXPECT_EQ(ext::encode_url("a-b_c.d~"), "a-b_c.d~");
    EXPECT_EQ(ext::encode_url("\xC3\xBC"), "%C3%BC");
}

TEST(Enotify, CompileErrorsWithPosition) {
    auto errors = compile_errors("require \"enotify\";\nnotify \"snailto:a@example.org\";");
    EXPECT_NE(errors.find("2:8"), std::string::npos) << errors;
    EXPECT_NE(errors.find("unsupported notification method 'snailto'"), std::string::npos) << errors;
    errors = compile_errors("require \"enotify\";\nnotify \"mailto:a@example.org?h<=x\";");
    EXPECT_NE(errors.find("at character 23"), std::string::npos) << errors;
    errors = compile_errors(
        "require \"enotify\";\nnotify :from \"a#b\" :importance \"4\" "
        ":options [\"\", \"x\", \"=y\", \"a=b\nc\"] \"mailto:a@example.org\";");
    EXPECT_NE(errors.find("invalid :from"), std::string::npos) << errors;
    EXPECT_NE(errors.find("invalid :importance"), std::string::npos) << errors;
    EXPECT_NE(errors.find("empty notify option"), std::string::npos) << errors;
    EXPECT_NE(errors.find("has no '='"), std::string::npos) << errors;
    EXPECT_NE(errors.find("invalid notify option name"), std::string::npos) << errors;
    EXPECT_NE(errors.find("line break"), std::string::npos) << errors;
}

TEST(Enotify, RfcExample1NotificationMessage) {
    auto r = evaluate(
        "notify :importance \"1\" :message \"This is probably very important\" "
        "\"mailto:alm@example.com?cc=b@example.com\";");
    auto n = notifications(r);
    ASSERT_EQ(n.size(), 1u);
    EXPECT_EQ(n[0]->method, "mailto:alm@example.com?cc=b@example.com");
    ASSERT_TRUE(n[0]->outgoing);
    const auto& out = *n[0]->outgoing;
    EXPECT_TRUE(out.envelope_from.empty());  // null reverse-path
    EXPECT_EQ(out.recipients, (std::vector<std::string>{"alm@example.com", "b@example.com"}));
    for (auto h : {"From: rcpt@example.net\r\n", "To: alm@example.com\r\n", "Cc: b@example.com\r\n",
                   "Subject: This is probably very important\r\n", "Auto-Submitted: auto-notified\r\n",
                   "X-Priority: 1 (Highest)\r\n", "Importance: high\r\n"})
        EXPECT_NE(out.data.find(h), std::string::npos) << h << "\n" << out.data;
    EXPECT_EQ(summary(r), "notify; keep*");  // notify leaves the implicit keep
}

TEST(Enotify, DefaultSubjectSummarisesAndFromTag) {
    auto r = evaluate("notify :from \"me@example.com\" \"mailto:alm@example.com\";");
    const auto& data = notifications(r).at(0)->outgoing->data;
    EXPECT_NE(data.find("From: me@example.com\r\n"), std::string::npos);
    EXPECT_NE(data.find("Subject: New mail from Anna Example <anna@example.com>: Hello world"),
              std::string::npos)
        << data;
    EXPECT_NE(data.find("Importance: normal"), std::string::npos);
}

// RFC 5436 §2.3: :from is the From field of the notification, so a
// mailbox with a display name is as good as a bare address.
TEST(Enotify, FromWithADisplayName) {
    auto r = evaluate("notify :from \"Nico <nico@frop.example.org>\" \"mailto:alm@example.com\";");
    ASSERT_TRUE(r.ok());
    const auto& data = notifications(r).at(0)->outgoing->data;
    EXPECT_NE(data.find("From: \"Nico\" <nico@frop.example.org>\r\n"), std::string::npos) << data;
    EXPECT_NE(data.find("@frop.example.org>\r\n"), data.find("From:")) << data;  // the Message-ID's domain
    EXPECT_NE(data.find("Message-ID: <sift-notify."), std::string::npos) << data;
    // Still one mailbox: two, or none, is an error at compile time.
    EXPECT_NE(compile_errors(
                  "require \"enotify\";\nnotify :from \"a@b.example, c@d.example\" \"mailto:x@y.example\";")
                  .find("invalid :from"),
              std::string::npos);
    // A name that is not ASCII is encoded (RFC 2047), the address is not.
    r = evaluate("notify :from \"Jos\u00e9 <jose@example.org>\" \"mailto:alm@example.com\";");
    const auto& encoded = notifications(r).at(0)->outgoing->data;
    EXPECT_NE(encoded.find("From: =?utf-8?b?Sm9zw6k=?= <jose@example.org>\r\n"), std::string::npos)
        << encoded;
}

// RFC 9042 §4.3 (its example): :mailboxid goes with :fcc on notify and
// vacation; the copy's mailbox id is in the action.
TEST(Enotify, FccWithMailboxid) {
    auto s = script::compile(
        "require [\"enotify\", \"fcc\", \"mailboxid\"];\n"
        "notify :fcc \"INBOX.Sent\" :mailboxid \"F6352ae03-b7f5-463c-896f-d8b48ee3\"\n"
        "       :message \"You got mail!\" \"mailto:ken@example.com\";");
    ASSERT_TRUE(s.ok()) << format(s.errors());
    auto r = s.run(message::from_raw(sample_message), default_envelope());
    auto n = notifications(r);
    ASSERT_EQ(n.size(), 1u);
    ASSERT_TRUE(n[0]->fcc);
    EXPECT_EQ(n[0]->fcc->mailbox, "INBOX.Sent");
    EXPECT_EQ(n[0]->fcc->mailbox_id, "F6352ae03-b7f5-463c-896f-d8b48ee3");
}

TEST(Enotify, Deduplication) {
    auto r = evaluate(
        "notify \"mailto:a@example.com%2cb@example.com?cc=b@example.com\";\n"
        "notify \"mailto:a@example.com%2cb@example.com?cc=b@example.com\";\n"
        "notify \"mailto:c@example.com?cc=A@example.com\";");
    auto n = notifications(r);
    ASSERT_EQ(n.size(), 2u);  // the identical second one is dropped
    EXPECT_EQ(n[0]->outgoing->recipients, (std::vector<std::string>{"a@example.com", "b@example.com"}));
    EXPECT_EQ(n[1]->outgoing->recipients, (std::vector<std::string>{"c@example.com"}));
}

TEST(Enotify, NoNotificationForAutoSubmitted) {
    auto r = evaluate("notify \"mailto:a@example.com\";",
                      "From: daemon@example.com\r\nAuto-Submitted: auto-replied\r\n\r\nx\r\n");
    auto n = notifications(r);
    ASSERT_EQ(n.size(), 1u);
    EXPECT_FALSE(n[0]->outgoing);
    auto no = evaluate("notify \"mailto:a@example.com\";", "Auto-Submitted: no\r\n\r\nx\r\n");
    EXPECT_TRUE(notifications(no).at(0)->outgoing);
}

TEST(Enotify, RuntimeChecksAndLimit) {
    auto r = evaluate("set \"m\" \"snailto:x\";\nnotify \"${m}\";");
    EXPECT_FALSE(r.ok());
    eval_limits limits;
    limits.max_notifications = 1;
    r = evaluate("notify \"mailto:a@example.com\";\nnotify \"mailto:b@example.com\";", sample_message,
                 limits);
    EXPECT_FALSE(r.ok());
    limits.max_notifications = 0;
    r = evaluate("notify \"mailto:a@example.com\";", sample_message, limits);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.errors.at(0).find("prohibits"), std::string::npos);
}

// eval_limits::max_notifications is the run's: an image compiled while
// notify was allowed is refused at run time once the limit is 0 (as
// Pigeonhole after a reload), and its count bounds each run.
TEST(Enotify, TheRunsLimitBindsAnImageCompiledUnderAnother) {
    auto s = script::load(compiled("require \"enotify\";\nnotify \"mailto:a@example.com\";\n"
                                   "notify \"mailto:b@example.com\";")
                              .save());
    ASSERT_TRUE(s.ok());
    auto m = message::from_raw(sample_message);
    eval_limits limits;
    limits.max_notifications = 2;
    EXPECT_TRUE(s.run(m, default_envelope(), {.limits = limits}).ok());
    limits.max_notifications = 1;
    auto r = s.run(m, default_envelope(), {.limits = limits});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.errors.at(0), "line 3: notify: the number of notify actions exceeds policy limit (1)");
    limits.max_notifications = 0;
    r = s.run(m, default_envelope(), {.limits = limits});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.errors.at(0), "line 2: notify: local policy prohibits the use of a notify action");
}

TEST(Enotify, TestsAndEncodeUrl) {
    EXPECT_EQ(summary(evaluate("if valid_notify_method [\"mailto:a@example.org\"] { fileinto \"ok\"; }")),
              "fileinto:ok");
    EXPECT_EQ(summary(evaluate("if valid_notify_method [\"mailto:a@example.org\", \"xmpp:a@b\"] "
                               "{ fileinto \"ok\"; }")),
              "keep*");
    EXPECT_EQ(summary(evaluate("if notify_method_capability \"mailto:a@example.org\" \"Online\" \"maybe\" "
                               "{ fileinto \"ok\"; }")),
              "fileinto:ok");
    EXPECT_EQ(summary(evaluate("if notify_method_capability \"mailto:a@example.org\" \"online\" \"yes\" "
                               "{ fileinto \"ok\"; }")),
              "keep*");
    EXPECT_EQ(summary(evaluate("set :encodeurl \"v\" \"a b&c\";\nfileinto \"${v}\";")), "fileinto:a%20b%26c");
    EXPECT_NE(compile_errors("require \"variables\";\nset :encodeurl \"v\" \"x\";").find("enotify"),
              std::string::npos);
}

}  // namespace
}  // namespace sift::testing
